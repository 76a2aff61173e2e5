//! Scenarios: what a product manager or analyst writes to ask "what will WhatsApp messaging cost
//! us, and which way of sending is cheapest?". Two layers: [`raw`] mirrors the TOML file exactly
//! (strict: unknown keys are errors; every field documented and defaulted), and [`Scenario`] is
//! the validated domain form the engine runs. Every error names the file, the line and column,
//! the TOML path, what was expected and what was found (`docs/scenario.md` documents each field).

pub mod raw;

use crate::pricing::fees::ProviderFees;
use crate::pricing::markets::Country;
use crate::pricing::money::Money;
use crate::pricing::rate_card::RateGap;
use crate::pricing::{BillCategory, Pricing, RateBook, UserFile, UserFilesError, card_file_name};
use crate::rules::TemplateCategory;
use crate::strategy::{NoReply, Strategy};
use crate::time::{DAY, Date, HOUR, SECOND, Time, UtcOffset};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Most follow-ups the business sends to one reply (the engine numbers them in four bits).
pub const MAX_FOLLOW_UPS: u32 = 16;

/// A scenario that cannot be read or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file (or a file it names) cannot be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
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
        /// What was expected and what was found.
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
}

/// One strategy to compare, with its name.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedStrategy {
    /// The name in outputs.
    pub name: String,
    /// Its logic.
    pub strategy: Strategy,
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
    /// First simulated local date.
    pub start: Date,
    /// Number of simulated days.
    pub days: u32,
    /// The business's time zone.
    pub offset: UtcOffset,
    /// Pricings to compare.
    pub pricings: Vec<Pricing>,
    /// Number of customers.
    pub customers: u64,
    /// Replications (independent runs) for the uncertainty.
    pub replications: u32,
    /// Root seed.
    pub seed: u64,
    /// The business's own country (authentication-international).
    pub country: Option<Country>,
    /// Eligibility date for authentication-international rates.
    pub auth_international_from: Option<Date>,
    /// Monthly free tier / allowance size (rules 10, 16, 23).
    pub free_tier: u64,
    /// Rule 4's US marketing pause.
    pub us_marketing_pause: bool,
    /// Probability that a marketing template hits the per-user marketing limit (131049).
    pub marketing_limit: f64,
    /// Probability that any outbound message fails.
    pub failure_rate: f64,
    /// Provider fees.
    pub fees: ProviderFees,
    /// Rate cards, markets and tiers.
    pub book: RateBook,
    /// The user's card files, for the manifest.
    pub card_files: Vec<String>,
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
    /// Strategies to compare.
    pub strategies: Vec<NamedStrategy>,
    /// The percentile the report sets a budget at (90: the total not exceeded in 90% of
    /// replications).
    pub budget_percentile: f64,
    /// Index in [`Scenario::pricings`] of the pricing of the report's detailed views.
    pub detail_pricing: usize,
}

impl Scenario {
    /// The first instant of the run.
    #[must_use]
    pub fn start_time(&self) -> Time {
        self.start.start(self.offset)
    }

    /// The instant the run ends (exclusive).
    #[must_use]
    pub fn end_time(&self) -> Time {
        Date(self.start.0 + i32::try_from(self.days).unwrap_or(i32::MAX)).start(self.offset)
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
        let raw: raw::RawScenario = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let (line, column) = line_col(text, span.start);
            let mut message = e.message().trim().replace('\n', " ");
            if message.contains("invalid type: map, expected a string") {
                message.push_str(" (write dates and times in quotes, e.g. start = \"2026-01-01\")");
            }
            ScenarioError::Invalid { file: file.clone(), line, column, path: path_at(text, span.start), message }
        })?;
        let mut v = Validator { text, path, file: file.clone() };
        v.scenario(raw)
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |i| before[i + 1..].chars().count()) + 1;
    (line, column)
}

type DeTable<'a> = toml::de::DeTable<'a>;
type DeValue<'a> = toml::de::DeValue<'a>;

/// The dotted TOML path of the deepest key or value containing `offset`.
fn path_at(text: &str, offset: usize) -> String {
    let Ok(doc) = toml::de::DeTable::parse(text) else { return String::new() };
    let mut path = String::new();
    walk_at(doc.get_ref(), offset, &mut path);
    let from_header = header_path(text, offset);
    if from_header.matches(['.', '[']).count() > path.matches(['.', '[']).count() { from_header } else { path }
}

/// The path of the key on the line of `offset` (`key = ...`), under the nearest `[table]` or
/// `[[array]]` header above it.
fn header_path(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim();
    let is_key = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.';
    let key: String =
        if line.starts_with('[') { String::new() } else { line.chars().take_while(|c| is_key(*c)).collect() };
    let mut header = String::new();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for l in text[..line_start].lines().chain(line.starts_with('[').then_some(line)) {
        let l = l.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_owned();
            let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((name.clone(), 0));
                    0
                }
            };
            header = format!("{name}[{n}]");
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            header = name.trim().to_owned();
        }
    }
    match (header.is_empty(), key.is_empty()) {
        (_, true) => header,
        (true, false) => key,
        (false, false) => format!("{header}.{key}"),
    }
}

fn walk_at(table: &DeTable<'_>, offset: usize, path: &mut String) {
    for (key, value) in table.iter() {
        let k = key.span();
        let v = value.span();
        let inside = (k.start <= offset && offset < k.end.max(k.start + 1)) || (v.start <= offset && offset < v.end);
        if inside {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key.get_ref());
            walk_value(value.get_ref(), offset, path);
            return;
        }
    }
}

fn walk_value(value: &DeValue<'_>, offset: usize, path: &mut String) {
    match value {
        DeValue::Table(t) => walk_at(t, offset, path),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let s = item.span();
                if s.start <= offset && offset < s.end {
                    path.push_str(&format!("[{i}]"));
                    walk_value(item.get_ref(), offset, path);
                    return;
                }
            }
        }
        _ => {}
    }
}

/// The span of the value at a dotted path like `strategy[1].wait` (or of the nearest parent).
fn span_of(text: &str, path: &str) -> Range<usize> {
    let Ok(doc) = toml::de::DeTable::parse(text) else { return 0..0 };
    let mut best = 0..0;
    let mut current: Option<&DeValue<'_>> = None;
    let root = doc.get_ref();
    for part in path.split('.') {
        let (key, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        let table = match current {
            None => root,
            Some(DeValue::Table(t)) => t,
            _ => return best,
        };
        let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref() == key) else { return best };
        best = if matches!(v.get_ref(), DeValue::Table(_)) { k.span() } else { v.span() };
        let mut value = v;
        for idx in indices.split('[').filter(|s| !s.is_empty()) {
            let Ok(i) = idx.trim_end_matches(']').parse::<usize>() else { return best };
            let DeValue::Array(items) = value.get_ref() else { return best };
            let Some(item) = items.get(i) else { return best };
            best = item.span();
            value = item;
        }
        current = Some(value.get_ref());
    }
    best
}

/// Turns raw fields into domain types, locating every error.
struct Validator<'a> {
    text: &'a str,
    path: &'a Path,
    file: String,
}

type Result<T> = std::result::Result<T, ScenarioError>;

impl Validator<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> ScenarioError {
        let span = span_of(self.text, path);
        let (line, column) = line_col(self.text, span.start);
        ScenarioError::Invalid { file: self.file.clone(), line, column, path: path.to_owned(), message: message.into() }
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

    fn duration(&self, path: &str, text: &str) -> Result<i64> {
        parse_duration(text).ok_or_else(|| {
            self.err(path, format!("expected a duration like 90s, 30m, 2h, 1.5d or 1w, found \"{text}\""))
        })
    }

    fn dist(&self, path: &str, d: &raw::RawDist) -> Result<Dist> {
        Ok(match d {
            raw::RawDist::Fixed { value } => Dist::Fixed(self.duration(&format!("{path}.value"), value)? as f64),
            raw::RawDist::Exponential { mean } => {
                let m = self.duration(&format!("{path}.mean"), mean)?;
                if m <= 0 {
                    return Err(
                        self.err(&format!("{path}.mean"), format!("expected a positive mean, found \"{mean}\""))
                    );
                }
                Dist::Exponential(m as f64)
            }
            raw::RawDist::Lognormal { median, sigma } => {
                let m = self.duration(&format!("{path}.median"), median)?;
                if m <= 0 {
                    return Err(
                        self.err(&format!("{path}.median"), format!("expected a positive median, found \"{median}\""))
                    );
                }
                if !(sigma.is_finite() && *sigma >= 0.0 && *sigma <= 5.0) {
                    return Err(
                        self.err(&format!("{path}.sigma"), format!("expected sigma between 0 and 5, found {sigma}"))
                    );
                }
                Dist::LogNormal { median: m as f64, sigma: *sigma }
            }
            raw::RawDist::Uniform { min, max } => {
                let a = self.duration(&format!("{path}.min"), min)?;
                let b = self.duration(&format!("{path}.max"), max)?;
                if b < a {
                    return Err(
                        self.err(&format!("{path}.max"), format!("expected max >= min ({min}), found \"{max}\""))
                    );
                }
                Dist::Uniform(a as f64, b as f64)
            }
        })
    }

    fn date(&self, path: &str, text: &str) -> Result<Date> {
        Date::parse(text).map_err(|e| self.err(path, e))
    }

    fn category(&self, path: &str, text: &str) -> Result<TemplateCategory> {
        TemplateCategory::from_id(text)
            .ok_or_else(|| self.err(path, format!("expected marketing, utility or authentication, found \"{text}\"")))
    }

    fn money(&self, path: &str, text: &str) -> Result<Money> {
        Money::parse(text).map_err(|e| self.err(path, e))
    }

    /// The text of a file the scenario names (at TOML path `at`), relative to its folder.
    fn read(&self, at: &str, name: &str) -> Result<String> {
        let p = Path::new(name);
        let full = if p.is_absolute() { p.to_path_buf() } else { self.path.parent().unwrap_or(Path::new(".")).join(p) };
        std::fs::read_to_string(&full).map_err(|e| self.err(at, format!("cannot read {}: {e}", full.display())))
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
                UserFilesError::Card { index, message } => self.err(&at(index), message),
                UserFilesError::Tiers(message) => self.err("business.tiers", message),
                UserFilesError::Bundled(message) => self.err("", message),
            },
        )
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

    fn scenario(&mut self, raw: raw::RawScenario) -> Result<Scenario> {
        let name = raw.name.unwrap_or_else(|| {
            self.path.file_stem().map_or_else(|| "scenario".to_owned(), |s| s.to_string_lossy().into_owned())
        });
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(self.err("name", format!("expected a name usable as a folder name, found \"{name}\"")));
        }
        let r = &raw.run;
        let start = self.date("run.start", &r.start)?;
        if !(Date::ymd(1970, 1, 1)..=Date::ymd(2200, 12, 31)).contains(&start) {
            return Err(self.err(
                "run.start",
                format!("expected a date between 1970-01-01 and 2200-12-31, found \"{}\"", r.start),
            ));
        }
        let days = match (r.days, r.months) {
            (Some(_), Some(_)) => return Err(self.err("run.months", "expected either days or months, found both")),
            (Some(d), None) => d,
            (None, Some(m)) => {
                let end =
                    add_months(start, m).ok_or_else(|| self.err("run.months", format!("months {m} is too far")))?;
                u32::try_from(end.0 - start.0).unwrap_or(0)
            }
            (None, None) => 30,
        };
        if !(1..=3660).contains(&days) {
            return Err(self.err(
                if r.days.is_some() { "run.days" } else { "run.months" },
                format!("expected a run of 1 day to 10 years, found {days} days"),
            ));
        }
        let offset = UtcOffset::parse(&r.timezone).map_err(|e| self.err("run.timezone", e))?;
        let mut pricings = Vec::new();
        for (i, p) in r.pricing.iter().enumerate() {
            let pricing = Pricing::parse(p).map_err(|e| self.err(&format!("run.pricing[{i}]"), e))?;
            if pricings.contains(&pricing) {
                return Err(
                    self.err(&format!("run.pricing[{i}]"), format!("expected each pricing once, found \"{p}\" twice"))
                );
            }
            pricings.push(pricing);
        }
        if pricings.is_empty() {
            return Err(self.err("run.pricing", "expected at least one pricing id, found an empty list"));
        }
        if pricings.len() > crate::engine::MAX_PRICINGS {
            return Err(self.err("run.pricing", format!("expected at most {} pricings", crate::engine::MAX_PRICINGS)));
        }
        if r.replications == 0 || r.replications > 100_000 {
            return Err(self.err("run.replications", format!("expected 1 to 100000, found {}", r.replications)));
        }

        let b = &raw.business;
        let country = match &b.country {
            Some(c) => Some(Country::parse(c).map_err(|e| self.err("business.country", e))?),
            None => None,
        };
        let auth_international_from = match &b.auth_international_from {
            Some(d) => Some(self.date("business.auth-international-from", d)?),
            None => None,
        };
        if auth_international_from.is_some() && country.is_none() {
            return Err(self.err(
                "business.auth-international-from",
                "expected business.country as well: international means outside the business's own market",
            ));
        }
        let fees = ProviderFees {
            per_outbound: self.money("business.fees.per-outbound", &b.fees.per_outbound)?,
            per_inbound: self.money("business.fees.per-inbound", &b.fees.per_inbound)?,
            markup_percent: self.money("business.fees.markup-percent", &b.fees.markup_percent)?,
        };
        let book = self.rate_book(&b.rates, b.tiers.as_deref())?;
        let card_files = b.rates.clone();

        let c = &raw.customers;
        if c.count == 0 || c.count > u64::from(u32::MAX) {
            return Err(self.err("customers.count", format!("expected 1 to 4294967295 customers, found {}", c.count)));
        }
        if c.countries.is_empty() {
            return Err(
                self.err("customers.countries", "expected at least one country with a share, e.g. { IN = 1.0 }")
            );
        }
        let mut countries = Vec::new();
        let mut total = 0.0;
        for (code, share) in &c.countries {
            let at = format!("customers.countries.{code}");
            let country = Country::parse(code).map_err(|e| self.err(&at, e))?;
            total += self.rate(&at, *share)?;
            countries.push((country, total));
        }
        if total <= 0.0 {
            return Err(self.err("customers.countries", "expected positive shares, found all zero"));
        }
        for (_, cum) in &mut countries {
            *cum /= total;
        }
        self.check_markets(&book, &pricings, start, days, c)?;
        let opted_in = self.share("customers.opted-in", c.opted_in)?;
        let activity_shape = match c.activity_shape {
            None => None,
            Some(s) if s.is_finite() && s > 0.0 => Some(s),
            Some(s) => {
                return Err(self.err("customers.activity-shape", format!("expected a positive gamma shape, found {s}")));
            }
        };
        let v = &c.visits;
        if !(v.messages.is_finite() && v.messages >= 1.0) {
            return Err(
                self.err("customers.visits.messages", format!("expected a mean of at least 1, found {}", v.messages))
            );
        }
        let visits = Visits {
            per_day: self.rate("customers.visits.per-day", v.per_day)?,
            hourly: self.weights("customers.visits.hourly", v.hourly.as_ref())?,
            weekly: self.weights("customers.visits.weekly", v.weekly.as_ref())?,
            messages: v.messages,
            gap: self.dist("customers.visits.gap", &v.gap)?,
            entry_point_share: self.share("customers.visits.entry-point-share", v.entry_point_share)?,
        };
        let reply = |this: &Self, name: &str, r: &raw::RawReply| -> Result<ReplyBehaviour> {
            Ok(ReplyBehaviour {
                probability: this.share(&format!("customers.replies.{name}.probability"), r.probability)?,
                delay: this.dist(&format!("customers.replies.{name}.delay"), &r.delay)?,
            })
        };
        let replies = [
            reply(self, "marketing", &c.replies.marketing)?,
            reply(self, "utility", &c.replies.utility)?,
            reply(self, "authentication", &c.replies.authentication)?,
        ];
        let ad_clicks_per_day = match &raw.ads {
            Some(a) if a.clicks_per_day.is_finite() && (0.0..=1.0e9).contains(&a.clicks_per_day) => a.clicks_per_day,
            Some(a) => {
                return Err(self.err(
                    "ads.clicks-per-day",
                    format!("expected a number between 0 and 1e9, found {}", a.clicks_per_day),
                ));
            }
            None => 0.0,
        };

        let run_start = start.start(offset);
        let run_end = Date(start.0 + i32::try_from(days).unwrap_or(i32::MAX)).start(offset);
        let mut campaigns = Vec::new();
        for (i, k) in raw.campaign.iter().enumerate() {
            let at = |f: &str| format!("campaign[{i}].{f}");
            let category = self.category(&at("category"), &k.category)?;
            let first = parse_local_time(&k.first, offset).ok_or_else(|| {
                self.err(
                    &at("first"),
                    format!(
                        "expected a local date-time like \"2026-01-05T10:00\" (or with an offset), found \"{}\"",
                        k.first
                    ),
                )
            })?;
            let every = match &k.every {
                Some(e) => {
                    let d = self.duration(&at("every"), e)?;
                    if d < HOUR {
                        return Err(
                            self.err(&at("every"), format!("expected at least 1h between sends, found \"{e}\""))
                        );
                    }
                    Some(d)
                }
                None => None,
            };
            let mut sends = Vec::new();
            let mut t = first;
            while t < run_end && sends.len() < k.count.unwrap_or(u32::MAX) as usize {
                if t >= run_start {
                    sends.push(t);
                }
                match every {
                    Some(d) => t = t.plus(d),
                    None => break,
                }
            }
            let spread = self.duration(&at("spread"), &k.spread)?;
            let audience = self.share(&at("audience"), k.audience)?;
            if k.follow_ups > MAX_FOLLOW_UPS {
                return Err(self.err(
                    &at("follow-ups"),
                    format!("expected at most {MAX_FOLLOW_UPS} follow-ups per reply, found {}", k.follow_ups),
                ));
            }
            campaigns.push(Campaign {
                name: k.name.clone(),
                category,
                sends,
                audience,
                spread,
                follow_ups: k.follow_ups,
                follow_up_delay: self.dist(&at("follow-up-delay"), &k.follow_up_delay)?,
            });
        }
        let orders = match &raw.orders {
            Some(o) => {
                let mut notifications = Vec::new();
                for (i, n) in o.notifications.iter().enumerate() {
                    notifications.push(Notification {
                        after: self.duration(&format!("orders.notifications[{i}].after"), &n.after)?,
                        urgent: n.urgent,
                    });
                }
                if notifications.len() > 100 {
                    return Err(self.err(
                        "orders.notifications",
                        format!("expected at most 100 notifications per order, found {}", notifications.len()),
                    ));
                }
                if notifications.is_empty() {
                    return Err(self.err("orders.notifications", "expected at least one notification per order"));
                }
                Some(Orders { per_day: self.rate("orders.per-day", o.per_day)?, notifications })
            }
            None => None,
        };
        let logins_per_day = match &raw.logins {
            Some(l) => self.rate("logins.per-day", l.per_day)?,
            None => 0.0,
        };
        let support = match &raw.support {
            Some(s) => Some(Support {
                replies_per_visit: self.rate("support.replies-per-visit", s.replies_per_visit)?,
                response: self.dist("support.response", &s.response)?,
                office_hours: match &s.office_hours {
                    Some(h) => Some(self.office_hours(h)?),
                    None => None,
                },
            }),
            None => None,
        };
        let mut strategies: Vec<NamedStrategy> = Vec::new();
        for (i, s) in raw.strategy.iter().enumerate() {
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
            strategies.push(NamedStrategy { name: "window-check".into(), strategy: Strategy::WindowCheck });
        }
        if strategies.len() > crate::engine::MAX_STRATEGIES {
            return Err(self.err("strategy", format!("expected at most {} strategies", crate::engine::MAX_STRATEGIES)));
        }
        let budget_percentile = raw.report.budget_percentile.unwrap_or(90.0);
        if !(budget_percentile.is_finite() && (1.0..=100.0).contains(&budget_percentile)) {
            return Err(self.err(
                "report.budget-percentile",
                format!("expected a percentile from 1 to 100, found {budget_percentile}"),
            ));
        }
        let detail_pricing = match &raw.report.detail_pricing {
            None => 0,
            Some(p) => Pricing::parse(p)
                .ok()
                .and_then(|pricing| pricings.iter().position(|x| *x == pricing))
                .ok_or_else(|| {
                    let ids: Vec<&str> = pricings.iter().map(|x| x.id()).collect();
                    self.err(
                        "report.detail-pricing",
                        format!("expected one of run.pricing ({}), found \"{p}\"", ids.join(", ")),
                    )
                })?,
        };
        Ok(Scenario {
            name,
            description: raw.description.unwrap_or_default(),
            file: self.path.to_path_buf(),
            text: self.text.to_owned(),
            start,
            days,
            offset,
            pricings,
            customers: c.count,
            replications: r.replications,
            seed: r.seed,
            country,
            auth_international_from,
            free_tier: b.free_tier,
            us_marketing_pause: b.us_marketing_pause,
            marketing_limit: self.share("business.marketing-limit", b.marketing_limit)?,
            failure_rate: self.share("business.failure-rate", b.failure_rate)?,
            fees,
            book,
            card_files,
            countries,
            opted_in,
            activity_shape,
            visits,
            replies,
            ad_clicks_per_day,
            campaigns,
            orders,
            logins_per_day,
            support,
            strategies,
            budget_percentile,
            detail_pricing,
        })
    }

    /// Every card in force must list the market of every country in the mix, on every day of the
    /// run, under every pricing: better said now than after an hour of simulation.
    fn check_markets(
        &self,
        book: &RateBook,
        pricings: &[Pricing],
        start: Date,
        days: u32,
        c: &raw::RawCustomers,
    ) -> Result<()> {
        for code in c.countries.keys() {
            let Ok(country) = Country::parse(code) else { continue };
            for d in 0..days {
                let date = Date(start.0 + i32::try_from(d).unwrap_or(0));
                let market = book.markets.market_of(country, date);
                for pricing in pricings {
                    let model = pricing.model_on(date);
                    let (card, rate) = book.rate(model, date, market, BillCategory::Marketing);
                    if let Err(gap @ (RateGap::MarketNotListed | RateGap::NoCard)) = rate {
                        return Err(self.err(
                            &format!("customers.countries.{code}"),
                            format!(
                                "{} on {date} under pricing {pricing}; pass your own card with business.rates or drop {code}",
                                book.describe_gap(gap, model, card, market, BillCategory::Marketing)
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn office_hours(&self, h: &raw::RawOfficeHours) -> Result<OfficeHours> {
        let clock = |path: &str, t: &str| -> Result<i64> {
            let bad = || self.err(path, format!("expected a local time like \"09:00\", found \"{t}\""));
            let (hh, mm) = t.split_once(':').ok_or_else(bad)?;
            let hh: i64 = hh.parse().map_err(|_| bad())?;
            let mm: i64 = mm.parse().map_err(|_| bad())?;
            if !(0..=24).contains(&hh) || !(0..60).contains(&mm) || hh * 60 + mm > 24 * 60 {
                return Err(bad());
            }
            Ok(hh * 3600 + mm * 60)
        };
        let from = clock("support.office-hours.from", &h.from)?;
        let to = clock("support.office-hours.to", &h.to)?;
        if to <= from {
            return Err(self.err(
                "support.office-hours.to",
                format!("expected a closing time after {}, found \"{}\"", h.from, h.to),
            ));
        }
        let mut days = [false; 7];
        const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        for (i, d) in h.days.iter().enumerate() {
            let k = NAMES.iter().position(|n| d.eq_ignore_ascii_case(n)).ok_or_else(|| {
                self.err(
                    &format!("support.office-hours.days[{i}]"),
                    format!("expected one of mon, tue, wed, thu, fri, sat, sun, found \"{d}\""),
                )
            })?;
            days[k] = true;
        }
        if !days.contains(&true) {
            return Err(self.err("support.office-hours.days", "expected at least one open day"));
        }
        Ok(OfficeHours { from, to, days })
    }

    fn strategy(&self, i: usize, s: &raw::RawStrategy) -> Result<NamedStrategy> {
        let at = |f: &str| format!("strategy[{i}].{f}");
        let (name, strategy) = match s {
            raw::RawStrategy::WindowCheck { name } => (name, Strategy::WindowCheck),
            raw::RawStrategy::AlwaysTemplate { name } => (name, Strategy::AlwaysTemplate),
            raw::RawStrategy::FreeFormFirst { name } => (name, Strategy::FreeFormFirst),
            raw::RawStrategy::DropLateSupport { name } => (name, Strategy::DropLateSupport),
            raw::RawStrategy::ReEngage { name, template, wait, if_no_reply } => (
                name,
                Strategy::ReEngage {
                    template: match template {
                        Some(t) => Some(self.category(&at("template"), t)?),
                        None => None,
                    },
                    wait: self.duration(&at("wait"), wait)?,
                    if_no_reply: match if_no_reply.as_str() {
                        "template" => NoReply::Template,
                        "drop" => NoReply::Drop,
                        other => {
                            return Err(self.err(
                                &at("if-no-reply"),
                                format!("expected \"template\" or \"drop\", found \"{other}\""),
                            ));
                        }
                    },
                },
            ),
            raw::RawStrategy::DeferUtility { name, max_wait } => {
                (name, Strategy::DeferUtility { max_wait: self.duration(&at("max-wait"), max_wait)? })
            }
        };
        if name.is_empty() || name.contains([',', '"', '/', '\\', '\n']) {
            return Err(
                self.err(&at("name"), format!("expected a name without commas, quotes or slashes, found \"{name}\""))
            );
        }
        Ok(NamedStrategy { name: name.clone(), strategy })
    }
}

/// Parses `90s`, `30m`, `2h`, `1.5d`, `1w`, `0`: a non-negative duration in nanoseconds.
#[must_use]
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    if t == "0" {
        return Some(0);
    }
    let split = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = t.split_at(split);
    let value: f64 = number.trim().parse().ok()?;
    let scale = match unit {
        "s" => SECOND,
        "m" | "min" => 60 * SECOND,
        "h" => HOUR,
        "d" => DAY,
        "w" => 7 * DAY,
        _ => return None,
    };
    let nanos = value * scale as f64;
    (value.is_finite() && value >= 0.0 && nanos < 3.0e18).then_some(nanos.round() as i64)
}

/// Parses a local date-time `YYYY-MM-DDTHH:MM[:SS]` in the business's zone, or RFC 3339 with offset.
fn parse_local_time(text: &str, offset: UtcOffset) -> Option<Time> {
    if let Ok(t) = Time::parse_rfc3339(text) {
        return Some(t);
    }
    let t = text.trim().replace(' ', "T");
    let (date, clock) = t.split_once('T')?;
    let date = Date::parse(date).ok()?;
    let mut parts = clock.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next().unwrap_or("0").parse().ok()?;
    let s: i64 = parts.next().unwrap_or("0").parse().ok()?;
    if parts.next().is_some() || !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..60).contains(&s) {
        return None;
    }
    Some(date.start(offset).plus((h * 3600 + m * 60 + s) * SECOND))
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
        assert_eq!(s.days, 30);
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
    fn durations() {
        assert_eq!(parse_duration("90s"), Some(90 * SECOND));
        assert_eq!(parse_duration("1.5h"), Some(90 * 60 * SECOND));
        assert_eq!(parse_duration("2d"), Some(2 * DAY));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("-1h"), None);
        assert_eq!(parse_duration("3 parsecs"), None);
    }

    #[test]
    fn follow_ups_beyond_the_maximum_are_refused() {
        let campaign = |n: u32| {
            parse(&format!("{MINIMAL}[[campaign]]\nname = \"c\"\nfirst = \"2026-01-02T10:00\"\nfollow-ups = {n}\n"))
        };
        assert_eq!(campaign(MAX_FOLLOW_UPS).unwrap().campaigns[0].follow_ups, MAX_FOLLOW_UPS);
        assert_eq!(
            campaign(17).unwrap_err(),
            "test.toml:8:14: campaign[0].follow-ups: expected at most 16 follow-ups per reply, found 17"
        );
    }

    #[test]
    fn months_run_to_the_same_day() {
        let s = parse(&MINIMAL.replace("[run]\n", "[run]\nmonths = 2\n")).unwrap();
        assert_eq!(s.days, 31 + 28);
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
