//! Synthetic customers: who each one is (country, opt-in, activity), what happens to them that
//! does not depend on the business's strategy (visits, ad clicks, orders, logins, campaign sends,
//! agents' answers), and how they react to what the business sends ([`Reactions`]). Every draw
//! comes from a stream keyed by (seed, replication, customer, purpose) ([`streams`]), so every
//! strategy and every pricing model sees the same customers (common random numbers) whatever
//! the thread count.
//!
//! The fast samplers live in files of their own, each beside the test that holds it to its
//! reference: [`poisson`] (counts), [`alias`] (weighted hours), [`happenings`] (sort keys).

mod alias;
mod calendar;
mod happenings;
mod poisson;
mod reactions;
pub(crate) mod streams;

pub use happenings::Happenings;
pub use reactions::{ContentKeys, Reactions, Sent};

use crate::event::What;
use crate::pricing::markets::Country;
use crate::scenario::{Customers, Dist, Period};
use crate::strategy::Content;
use calendar::Calendar;
use poisson::{PoissonTable, poisson};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt};
use streams::{CustomerKey, Purpose};
// Transcendental functions through num-traits, as rand_distr uses them. With num-traits' `std`
// feature on (chrono enables it) they are the standard library's, that is the platform's libm:
// the same seed gives byte-identical results on a given platform whatever the thread count, but
// `exp`/`ln` may differ in the last bit between platforms (glibc, musl, macOS).
use rand_distr::num_traits::Float;
use rand_distr::{Distribution, Exp1, Gamma, StandardNormal};

/// Draws a duration in nanoseconds.
#[inline(always)]
pub fn sample<R: Rng + ?Sized>(dist: Dist, rng: &mut R) -> i64 {
    let v = match dist {
        Dist::Fixed(v) => v,
        // The ziggurat: exact, and most draws need one 64-bit word and no logarithm.
        Dist::Exponential(mean) => mean * Distribution::<f64>::sample(&Exp1, rng),
        Dist::LogNormal { median, sigma } => {
            let z: f64 = StandardNormal.sample(rng);
            median * Float::exp(sigma * z)
        }
        Dist::Uniform(a, b) => {
            let u: f64 = rng.random();
            a + (b - a) * u
        }
    };
    v.clamp(0.0, 1.0e17) as i64
}

/// True with probability `p` (no draw when that is 0 or 1).
fn bernoulli<R: Rng + ?Sized>(p: f64, rng: &mut R) -> bool {
    if p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        rng.random::<f64>() < p
    }
}

/// A count with mean `x`: floor(x) plus one with probability frac(x).
fn count_with_mean<R: Rng + ?Sized>(x: f64, rng: &mut R) -> u64 {
    let whole = x.floor();
    whole as u64 + u64::from(bernoulli(x - whole, rng))
}

/// Who a customer is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Profile {
    /// The country of the customer's phone number.
    pub country: Country,
    /// Whether the customer opted in to templates (rule 3).
    pub opted_in: bool,
    /// How much more (or less) than the average customer this one visits, orders and logs in
    /// (mean 1).
    pub activity: f64,
    /// The key of the customer's random streams (the engine keys its per-content draws from it).
    pub key: CustomerKey,
    /// The business number the customer is on (rule 27), numbered from 0.
    pub number: u16,
}

/// A scenario's customers, ready to draw: the calendar of the run and the laws every customer
/// shares, computed once per run.
#[derive(Clone, Debug)]
pub struct Population<'a> {
    customers: &'a Customers,
    period: Period,
    seed: u64,
    /// Cumulative shares of customers on each business number (rule 27).
    numbers: &'a [f64],
    calendar: Calendar,
    /// The count of messages after a visit's first.
    burst: PoissonTable,
    /// The law of a customer's activity, if it varies.
    activity: Option<Gamma<f64>>,
    reactions: Reactions,
}

impl<'a> Population<'a> {
    /// The customers a scenario describes, over its `period`, drawn from streams of the root
    /// `seed`, spread over business numbers by their cumulative `numbers` shares.
    #[must_use]
    pub fn new(customers: &'a Customers, period: &Period, seed: u64, numbers: &'a [f64]) -> Population<'a> {
        let c = customers;
        let office = c.support.as_ref().and_then(|support| support.office_hours);
        Population {
            customers,
            period: *period,
            seed,
            numbers,
            calendar: Calendar::new(period, &c.visits.hourly, &c.visits.weekly, office),
            burst: PoissonTable::new(c.visits.messages - 1.0),
            activity: c.activity_shape.and_then(|shape| Gamma::new(shape, 1.0 / shape).ok()),
            reactions: Reactions::new(c),
        }
    }

    /// How the customers react to what the business sends.
    #[must_use]
    pub fn reactions(&self) -> &Reactions {
        &self.reactions
    }

    /// The countries customers' numbers are in, in the scenario's order.
    pub fn countries(&self) -> impl Iterator<Item = Country> + '_ {
        self.customers.countries.iter().map(|(c, _)| *c)
    }

    /// Draws customer `customer` of replication `replication`: its profile, and into
    /// `happenings` (cleared first) everything planned for it within the run, in processing
    /// order.
    pub fn generate(&self, replication: u32, customer: u64, happenings: &mut Happenings) -> Profile {
        let (s, calendar) = (self.customers, &self.calendar);
        happenings.clear(self.period.start_time(), self.period.end_time());
        let key = CustomerKey::new(self.seed, replication, customer);
        let mut rng = key.own_stream(Purpose::Profile);
        let country = match s.countries.as_slice() {
            [(only, _)] => *only,
            countries => {
                let u: f64 = rng.random();
                countries.iter().find(|(_, cum)| u < *cum).or(countries.last()).map_or(Country::US, |c| c.0)
            }
        };
        let opted_in = bernoulli(s.opted_in, &mut rng);
        let activity = self.activity.map_or(1.0, |g| g.sample(&mut rng));
        // Rule 27: the number the customer is on (a draw only when the business has several).
        let number = match self.numbers {
            [] | [_] => 0,
            numbers => {
                let u: f64 = rng.random();
                numbers.iter().position(|cum| u < *cum).unwrap_or(numbers.len() - 1) as u16
            }
        };
        let profile = Profile { country, opted_in, activity, key, number };
        let days = f64::from(self.period.days);
        let mut id: u64 = 0;
        let content = |content: Content, urgent: bool, id: &mut u64, campaign: Option<u16>| {
            *id += 1;
            What::Content { content, urgent, id: *id, campaign }
        };

        // Visits and ad clicks: a burst of inbound messages, then agents' answers.
        let mut support_rng = s.support.as_ref().map(|_| key.own_stream(Purpose::Support));
        let mut visit = |r: &mut Xoshiro256PlusPlus, from_ad: bool, out: &mut Happenings| {
            let start = calendar.draw(r);
            let entry_point = from_ad || bernoulli(s.visits.entry_point_share, r);
            let n = 1 + self.burst.sample(r);
            let mut t = start;
            for k in 0..n {
                if k > 0 {
                    t = t.plus(sample(s.visits.gap, r).max(1));
                }
                out.push(t, What::Inbound { entry_point: entry_point && k == 0, answers: None });
            }
            if let (Some(support), Some(support_rng)) = (&s.support, &mut support_rng) {
                let replies = count_with_mean(support.replies_per_visit, support_rng);
                let mut t = start;
                for _ in 0..replies {
                    t = t.plus(sample(support.response, support_rng).max(1));
                    if let Some(office) = &calendar.office {
                        t = office.next(t);
                    }
                    // Rule 23: a share of answers are reactions (a draw only when it is a share).
                    let answer =
                        if bernoulli(support.reactions, support_rng) { Content::Reaction } else { Content::Support };
                    let what = content(answer, false, &mut id, None);
                    out.push_answer(t, what, start);
                }
            }
        };
        let mut visit_rng = key.own_stream(Purpose::Visits);
        for _ in 0..poisson(s.visits.per_day * activity * days, &mut visit_rng) {
            visit(&mut visit_rng, false, happenings);
        }
        let per_customer_clicks = s.ad_clicks_per_day / s.count as f64;
        if per_customer_clicks > 0.0 {
            let mut ads_rng = key.own_stream(Purpose::Ads);
            for _ in 0..poisson(per_customer_clicks * days, &mut ads_rng) {
                visit(&mut ads_rng, true, happenings);
            }
        }

        if let Some(orders) = &s.orders {
            let mut r = key.own_stream(Purpose::Orders);
            for _ in 0..poisson(orders.per_day * activity * days, &mut r) {
                let t = calendar.draw(&mut r);
                for n in &orders.notifications {
                    let what = content(Content::Utility, n.urgent, &mut id, None);
                    happenings.push(t.plus(n.after), what);
                }
            }
        }

        // Rule 1: calls open the window like a message, at times from the visits' profile.
        if s.calls_per_day > 0.0 {
            let mut r = key.own_stream(Purpose::Calls);
            for _ in 0..poisson(s.calls_per_day * activity * days, &mut r) {
                happenings.push(calendar.draw(&mut r), What::Call);
            }
        }

        if s.logins_per_day > 0.0 {
            let mut r = key.own_stream(Purpose::Logins);
            for _ in 0..poisson(s.logins_per_day * activity * days, &mut r) {
                let t = calendar.draw(&mut r);
                let what = content(Content::Authentication, true, &mut id, None);
                happenings.push(t, what);
            }
        }

        if !s.campaigns.is_empty() {
            let mut r = key.own_stream(Purpose::Campaigns);
            for (c, campaign) in s.campaigns.iter().enumerate() {
                let kind = Content::of_category(campaign.category);
                for send in &campaign.sends {
                    if bernoulli(campaign.audience, &mut r) {
                        let offset = (r.random::<f64>() * campaign.spread as f64) as i64;
                        let what = content(kind, false, &mut id, u16::try_from(c).ok());
                        happenings.push(send.plus(offset), what);
                    }
                }
            }
        }

        happenings.sort();
        profile
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::time::SECOND;
    use streams::stream;

    /// The Kolmogorov–Smirnov distance between a sample and a continuous distribution function.
    fn ks_distance(mut draws: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
        draws.sort_by(f64::total_cmp);
        let n = draws.len() as f64;
        draws.iter().enumerate().fold(0.0, |d: f64, (i, x)| {
            let f = cdf(*x);
            d.max(f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
    }

    #[test]
    fn exponential_delays_follow_the_exponential_law() {
        // 20,000 draws of mean 2 minutes: the mean within 4 standard errors, the variance (which
        // is mean², the standard error of its estimate √(8/n) of it) within 4 of them, and the
        // Kolmogorov–Smirnov distance under its 0.1% critical value 1.95/√n (bounds fixed in advance).
        let mean = 120.0 * SECOND as f64;
        let mut rng = stream(5, 0, 0, Purpose::Support, 0);
        let n = 20_000;
        let draws: Vec<f64> = (0..n).map(|_| sample(Dist::Exponential(mean), &mut rng) as f64).collect();
        let m = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        assert!((m / mean - 1.0).abs() < 4.0 / (n as f64).sqrt(), "mean {m}");
        assert!((var / (mean * mean) - 1.0).abs() < 4.0 * (8.0 / n as f64).sqrt(), "variance {var}");
        let d = ks_distance(draws, |x| 1.0 - (-x / mean).exp());
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
    }

    /// The engine relies on planned events coming in processing order (time, the customer's
    /// before the business's, the order drawn), all of them within the run: checked on a month
    /// (one-word sort keys) and on ten years (too long for them).
    #[test]
    fn happenings_come_in_processing_order_within_the_run() {
        for days in [30, 3650] {
            let text = format!(
                "[run]\nstart = \"2026-01-05\"\ndays = {days}\n[customers]\ncountries = {{ IN = 1.0 }}\n[customers.visits]\nper-day = 0.2\nmessages = 3\n[orders]\nper-day = 0.05\nnotifications = [{{ after = \"0s\" }}, {{ after = \"3d\" }}]\n"
            );
            let s = Scenario::parse(&text, std::path::Path::new("t.toml")).unwrap();
            let population = Population::new(&s.customers, &s.period, s.run.seed, &s.business.numbers);
            let mut h = Happenings::default();
            let mut seen = 0;
            for customer in 0..20 {
                population.generate(0, customer, &mut h);
                let sorted = h.sorted();
                let (start, end) = (s.period.start_time(), s.period.end_time());
                let within = h.drawn().iter().filter(|e| start <= e.time && e.time < end).count();
                assert_eq!(sorted.len(), within, "{days} days: every happening within the run, once");
                assert!(sorted.windows(2).all(|w| w[0].order() < w[1].order()), "{days} days: in order");
                let mut numbers: Vec<u64> = sorted.iter().map(|e| e.sequence.number()).collect();
                numbers.sort_unstable();
                numbers.dedup();
                assert_eq!(numbers.len(), sorted.len(), "{days} days: no happening twice");
                seen += sorted.len();
            }
            assert!(seen > 40, "{days} days: only {seen} happenings drawn");
        }
    }
}
