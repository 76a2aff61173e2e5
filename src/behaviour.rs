//! Synthetic customers: who each one is (country, opt-in, activity) and what happens to them that
//! does not depend on the business's strategy (visits, ad clicks, orders, logins, campaign sends,
//! agents' answers), drawn from random streams derived from (seed, replication, customer,
//! purpose), so every strategy and every pricing model sees the same customers (common random
//! numbers) whatever the thread count.

use crate::pricing::markets::Country;
use crate::scenario::{Dist, OfficeHours, Scenario};
use crate::strategy::Content;
use crate::time::{DAY, HOUR, SECOND, Time};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};
// Transcendental functions through num-traits, as rand_distr uses them. With num-traits' `std`
// feature on (chrono enables it) they are the standard library's, that is the platform's libm:
// the same seed gives byte-identical results on a given platform whatever the thread count, but
// `exp`/`ln` may differ in the last bit between platforms (glibc, musl, macOS).
use rand_distr::num_traits::Float;
use rand_distr::{Distribution, Exp1, Gamma, Poisson, StandardNormal};

/// What a random stream is for; part of every stream's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Country, opt-in, activity.
    Profile = 1,
    /// Unprompted visits.
    Visits = 2,
    /// Ad clicks.
    Ads = 3,
    /// Orders.
    Orders = 4,
    /// Logins.
    Logins = 5,
    /// Campaign audiences.
    Campaigns = 6,
    /// Support answers.
    Support = 7,
    /// The reply to one piece of content (keyed by the content's id).
    Reply = 8,
    /// The delivery of one message (keyed by the content's id).
    Delivery = 9,
    /// The reply to one re-engagement template (keyed by the content's id).
    ReEngageReply = 10,
    /// Follow-up delays (keyed by the content's id).
    FollowUp = 11,
}

/// splitmix64's finaliser: a bijective 64-bit mixer.
#[must_use]
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The part of every stream key fixed by (seed, replication, customer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomerKey(u64);

impl CustomerKey {
    /// The key prefix of one customer of one replication.
    #[must_use]
    pub fn new(seed: u64, replication: u32, customer: u64) -> CustomerKey {
        CustomerKey(mix(mix(mix(seed) ^ u64::from(replication)) ^ customer))
    }

    /// The key of this customer's stream for (purpose, id).
    #[must_use]
    pub fn key(self, purpose: Purpose, id: u64) -> u64 {
        self.purpose(purpose).key(id)
    }

    /// This customer's generator for (purpose, id).
    #[must_use]
    pub fn stream(self, purpose: Purpose, id: u64) -> Xoshiro256PlusPlus {
        self.purpose(purpose).stream(id)
    }

    /// The part of the keys of one purpose's streams that does not depend on the id.
    #[must_use]
    pub fn purpose(self, purpose: Purpose) -> PurposeKey {
        PurposeKey(mix(self.0 ^ purpose as u64))
    }
}

/// The part of a stream key fixed by (seed, replication, customer, purpose): the simulation
/// keeps one per purpose keyed by content id, so that each content's key is one mix away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurposeKey(u64);

impl PurposeKey {
    /// The key of the stream for `id` (the same as [`CustomerKey::key`]).
    #[must_use]
    pub fn key(self, id: u64) -> u64 {
        mix(self.0 ^ id)
    }

    /// The generator for `id` (the same as [`CustomerKey::stream`]).
    #[must_use]
    pub fn stream(self, id: u64) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(self.key(id))
    }
}

impl CustomerKey {
    /// This customer's generator for one purpose of its own generation (visits, orders, ...):
    /// its state is four words of the SplitMix64 sequence that starts at the customer's key, a
    /// block of four per purpose, so that no two purposes share a word (and the words are drawn
    /// like [`Xoshiro256PlusPlus::seed_from_u64`]'s, without first mixing a key per purpose).
    fn own_stream(self, purpose: Purpose) -> Xoshiro256PlusPlus {
        let first = self.0.wrapping_add((purpose as u64 * 4).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let word = |i: u64| mix(first.wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15))).to_le_bytes();
        let mut seed = [0u8; 32];
        for (i, chunk) in seed.chunks_exact_mut(8).enumerate() {
            chunk.copy_from_slice(&word(i as u64));
        }
        Xoshiro256PlusPlus::from_seed(seed)
    }
}

/// The key of a stream: (seed, replication, customer, purpose, id) mixed into 64 bits.
#[must_use]
pub fn stream_key(seed: u64, replication: u32, customer: u64, purpose: Purpose, id: u64) -> u64 {
    CustomerKey::new(seed, replication, customer).key(purpose, id)
}

/// A named portable generator for one stream.
#[must_use]
pub fn stream(seed: u64, replication: u32, customer: u64, purpose: Purpose, id: u64) -> Xoshiro256PlusPlus {
    CustomerKey::new(seed, replication, customer).stream(purpose, id)
}

/// A uniform number in [0, 1) from a key (53 bits).
#[must_use]
pub fn unit(key: u64) -> f64 {
    (key >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

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

fn poisson<R: Rng + ?Sized>(lambda: f64, rng: &mut R) -> u64 {
    PoissonCount::new(lambda).sample(rng)
}

/// Means below this are drawn by inversion, larger ones by rand_distr's rejection method.
const INVERSION_BELOW: f64 = 30.0;

/// λ/k, the ratio P(k)/P(k - 1) of Poisson probabilities: from a table of reciprocals for the
/// usual k, a multiplication instead of a division on the search's chain of dependent steps.
#[inline]
fn poisson_step(lambda: f64, k: u64) -> f64 {
    match RECIPROCALS.get(k as usize) {
        Some(inverse) => lambda * inverse,
        None => lambda / k as f64,
    }
}

/// 1/k for the Poisson search's first steps (entry 0 unused).
const RECIPROCALS: [f64; 128] = {
    let mut table = [0.0; 128];
    let mut k = 1;
    while k < 128 {
        table[k] = 1.0 / k as f64;
        k += 1;
    }
    table
};

/// Poisson counts of one mean, with e^-λ computed once.
#[derive(Clone, Copy, Debug)]
struct PoissonCount {
    lambda: f64,
    /// e^-λ, the probability of 0, when drawn by inversion; else 0.
    p0: f64,
}

impl PoissonCount {
    fn new(lambda: f64) -> PoissonCount {
        let p0 = if (0.0..INVERSION_BELOW).contains(&lambda) { Float::exp(-lambda) } else { 0.0 };
        PoissonCount { lambda, p0 }
    }

    #[inline]
    fn sample<R: Rng + ?Sized>(self, rng: &mut R) -> u64 {
        if self.p0 > 0.0 {
            // Inversion by sequential search with one uniform u: the least k with P(X <= k) > u,
            // the probabilities built by P(k) = P(k - 1) λ / k ([`poisson_step`]). (The search stops if they
            // underflow, far beyond any count that rounding leaves reachable.)
            let u: f64 = rng.random();
            let (mut k, mut p, mut cdf) = (0u64, self.p0, self.p0);
            while u >= cdf && p > 0.0 {
                k += 1;
                p *= poisson_step(self.lambda, k);
                cdf += p;
            }
            return k;
        }
        self.sample_large(rng)
    }

    /// A large mean's count (or 0 for a mean of 0 or less), by rand_distr's rejection method.
    #[inline(never)]
    fn sample_large<R: Rng + ?Sized>(self, rng: &mut R) -> u64 {
        if self.lambda.is_finite() && self.lambda > 0.0 {
            return Poisson::new(self.lambda).map_or(0, |p| p.sample(rng) as u64);
        }
        0
    }
}

/// Poisson counts of one mean drawn many times (the messages of a visit's burst): the inversion's
/// cumulative probabilities computed once, with the same arithmetic as [`PoissonCount::sample`],
/// so that a uniform gives the same count, found by a scan instead of a division per step.
#[derive(Clone, Debug)]
struct PoissonTable {
    count: PoissonCount,
    /// P(X <= k) for k = 0, 1, ... until it reaches 1 or the probabilities underflow.
    cdf: Vec<f64>,
    /// The count for a uniform at or above every entry (where the sequential search stops).
    last: u64,
}

impl PoissonTable {
    fn new(lambda: f64) -> PoissonTable {
        let count = PoissonCount::new(lambda);
        let mut cdf = Vec::new();
        let mut k = 0;
        if count.p0 > 0.0 {
            let (mut p, mut c) = (count.p0, count.p0);
            cdf.push(c);
            // Uniforms are below 1, so once the sum reaches 1 every draw has stopped.
            while c < 1.0 && p > 0.0 {
                k += 1;
                p *= poisson_step(lambda, k);
                c += p;
                cdf.push(c);
            }
        }
        PoissonTable { count, cdf, last: k }
    }

    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        if self.count.p0 > 0.0 {
            let u: f64 = rng.random();
            return self.cdf.iter().position(|&c| u < c).map_or(self.last, |k| k as u64);
        }
        self.count.sample_large(rng)
    }
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
    /// The country of the number.
    pub country: Country,
    /// Opted in to templates.
    pub opted_in: bool,
    /// Activity multiplier (mean 1).
    pub activity: f64,
    /// The key of the customer's random streams (the simulation keys its own draws from it).
    pub key: CustomerKey,
}

/// Something that happens to a customer whatever the strategy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Happening {
    /// The customer writes (`entry_point`: through an ad or Page button).
    Inbound {
        /// Through an entry point.
        entry_point: bool,
    },
    /// The business has something to say.
    Content {
        /// What.
        content: Content,
        /// Must go out at once.
        urgent: bool,
        /// Stable id of this content (keys its reply and delivery draws).
        id: u64,
        /// The campaign it belongs to (for follow-ups), if any.
        campaign: Option<u16>,
    },
}

/// One happening at a time, in generation order `seq`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exogenous {
    /// When.
    pub time: Time,
    /// Generation order, for ties.
    pub seq: u32,
    /// What.
    pub what: Happening,
}

impl Exogenous {
    /// The processing order: time, then inbound before outbound, then generation order.
    #[must_use]
    pub fn order(&self) -> (Time, u8, u32) {
        (self.time, u8::from(!matches!(self.what, Happening::Inbound { .. })), self.seq)
    }

    /// A happening at a time.
    #[must_use]
    pub fn new(time: Time, seq: u32, what: Happening) -> Exogenous {
        Exogenous { time, seq, what }
    }

    /// [`Exogenous::order`] packed into one integer, for sorting (ends with `seq`).
    #[must_use]
    pub fn key(&self) -> u128 {
        let (t, o, s) = self.order();
        let time = (t.0 as u64) ^ (1 << 63); // order-preserving for negative times too
        (u128::from(time) << 40) | (u128::from(o) << 32) | u128::from(s)
    }
}

/// The scenario's calendar of activity: each hour of the run weighted by the daily and weekly
/// profile, for drawing times; with the other constants of drawing that are the same for every
/// customer.
#[derive(Clone, Debug)]
pub struct Calendar {
    start: Time,
    end: Time,
    /// Walker–Vose alias table over the run's hours: hour `k` is kept with probability
    /// `keep[k]` / 2^64 (a probability of 1 is stored as `u64::MAX`; those hours are their own
    /// alias), else replaced by `alias[k]` (one draw in constant time).
    keep: Vec<u64>,
    alias: Vec<u32>,
    /// The count of messages after a visit's first.
    burst: PoissonTable,
    /// The law of a customer's activity, if it varies.
    activity: Option<Gamma<f64>>,
    /// The agents' hours over the run, if they keep office hours.
    office: Option<OfficeDays>,
}

/// The agents' working hours over the run and the week after it, day by day (local days), for
/// [`next_office_time`] without its arithmetic of weekdays.
#[derive(Clone, Debug)]
struct OfficeDays {
    /// Local midnight of the first day, as an instant.
    first: Time,
    /// Per day: opening and closing instants (both the next opening if the day is closed), and
    /// the next opening after closing.
    days: Vec<(Time, Time, Time)>,
    hours: OfficeHours,
    offset_secs: i64,
}

impl OfficeDays {
    fn new(s: &Scenario, hours: OfficeHours) -> OfficeDays {
        let offset_secs = i64::from(s.period.offset.0);
        let first = s.period.start_time();
        let days = (0..i64::from(s.period.days) + 8)
            .map(|d| {
                let midnight = first.plus(d * DAY);
                let open = next_office_time(midnight, &hours, offset_secs);
                if open.0 - midnight.0 >= DAY {
                    return (open, open, open);
                }
                let close = Time(midnight.0 + hours.to * SECOND);
                (open, close, next_office_time(close, &hours, offset_secs))
            })
            .collect();
        OfficeDays { first, days, hours, offset_secs }
    }

    /// The same as [`next_office_time`].
    #[inline]
    fn next(&self, t: Time) -> Time {
        let since = t.0.wrapping_sub(self.first.0);
        let day = (since as u64 / DAY as u64) as usize;
        match self.days.get(day) {
            Some(&(open, close, next)) if since >= 0 => {
                if t < open {
                    open
                } else if t < close {
                    t
                } else {
                    next
                }
            }
            _ => next_office_time(t, &self.hours, self.offset_secs),
        }
    }
}

impl Calendar {
    /// The calendar of a scenario's run.
    #[must_use]
    pub fn new(s: &Scenario) -> Calendar {
        let hours = s.period.days as usize * 24;
        let mut weights: Vec<f64> = (0..hours)
            .map(|k| {
                let day = s.period.start.0 + (k / 24) as i32;
                let weekday = (day + 3).rem_euclid(7) as usize; // 1970-01-01 was a Thursday.
                s.customers.visits.weekly[weekday] * s.customers.visits.hourly[k % 24]
            })
            .collect();
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            weights.iter_mut().for_each(|w| *w = 1.0);
        }
        let total: f64 = weights.iter().sum();
        // Vose's method: scale to mean 1, pair each light hour with a heavy one.
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * hours as f64 / total).collect();
        let mut keep = vec![1.0; hours];
        let mut alias: Vec<u32> = (0..hours as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..hours).partition(|&k| scaled[k] < 1.0);
        while let (Some(l), Some(&g)) = (small.pop(), large.last()) {
            keep[l] = scaled[l];
            alias[l] = g as u32;
            scaled[g] -= 1.0 - scaled[l];
            if scaled[g] < 1.0 {
                large.pop();
                small.push(g);
            }
        }
        // Rounding may leave light hours unpaired: they keep themselves, except hours of no weight.
        let heaviest = (0..hours).max_by(|a, b| weights[*a].total_cmp(&weights[*b])).unwrap_or(0);
        for k in small {
            if weights[k] <= 0.0 {
                keep[k] = 0.0;
                alias[k] = heaviest as u32;
            }
        }
        // In 64-bit fixed point (the conversion saturates: 1 becomes `u64::MAX`).
        let keep = keep.iter().map(|p| (p * 2f64.powi(64)) as u64).collect();
        let burst = PoissonTable::new(s.customers.visits.messages - 1.0);
        let activity = s.customers.activity_shape.and_then(|shape| Gamma::new(shape, 1.0 / shape).ok());
        let office = s.customers.support.as_ref().and_then(|support| support.office_hours);
        // (A scenario's hours are validated: they open before they close, on some day.)
        let office = office.filter(|h| h.from < h.to && h.days.contains(&true)).map(|h| OfficeDays::new(s, h));
        Calendar { start: s.period.start_time(), end: s.period.end_time(), keep, alias, burst, activity, office }
    }

    /// A time drawn from the profile.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> Time {
        // One word picks the hour: its product with the number of hours is a uniform hour `k`
        // (the high word) and a uniform 64-bit fraction (the low word) that decides between `k`
        // and its alias. A second word places the time within the hour.
        let scaled = u128::from(rng.next_u64()) * self.keep.len() as u128;
        let k = (scaled >> 64) as usize;
        let hour = if (scaled as u64) < self.keep[k] { k } else { self.alias[k] as usize };
        let within = (u128::from(rng.next_u64()) * HOUR as u128) >> 64;
        self.start.plus(hour as i64 * HOUR + within as i64)
    }

    /// A time drawn uniformly over the run (ignores the profile).
    pub fn draw_flat<R: Rng + ?Sized>(&self, rng: &mut R) -> Time {
        let u: f64 = rng.random();
        self.start.plus((u * (self.end.0 - self.start.0) as f64) as i64)
    }
}

/// The next moment at or after `t` when agents work.
fn next_office_time(t: Time, hours: &OfficeHours, offset_secs: i64) -> Time {
    let local = t.0 + offset_secs * SECOND;
    let first = local.div_euclid(DAY);
    let mut in_day = local.rem_euclid(DAY);
    for day in first..first + 8 {
        let weekday = (day + 3).rem_euclid(7) as usize;
        if hours.days[weekday] {
            if in_day < hours.from * SECOND {
                return Time(day * DAY + hours.from * SECOND - offset_secs * SECOND);
            }
            if in_day < hours.to * SECOND {
                return Time(day * DAY + in_day - offset_secs * SECOND);
            }
        }
        in_day = 0;
    }
    t
}

/// A customer's happenings, in processing order ([`Happenings::sorted`]), with the buffers that
/// build them (reused from customer to customer: generating allocates nothing once warm).
#[derive(Clone, Debug, Default)]
pub struct Happenings {
    /// In generation order: `raw[i].seq == i`.
    raw: Vec<Exogenous>,
    /// The packed orders of the happenings within the run (while generating, when they fit in
    /// one word: see [`Happenings::push`]), then sorted.
    short_keys: Vec<u64>,
    /// The same in 128 bits, when they do not fit.
    keys: Vec<u128>,
    sorted: Vec<Exogenous>,
    /// The run: happenings outside it are not kept.
    start: Time,
    end: Time,
    /// Bits of the generation number in a short key (`0`: the run is too long for them).
    seq_bits: u32,
}

impl Happenings {
    /// The happenings in processing order.
    #[must_use]
    pub fn sorted(&self) -> &[Exogenous] {
        &self.sorted
    }

    /// Starts a customer's happenings within `start..end`.
    fn clear(&mut self, start: Time, end: Time) {
        self.raw.clear();
        self.short_keys.clear();
        self.sorted.clear();
        (self.start, self.end) = (start, end);
        // Short keys: (time since the start, inbound first, generation number) in one word,
        // when the run's span leaves room for a few generation numbers.
        let span_bits = u64::BITS - ((end.0 - start.0).max(0) as u64).leading_zeros();
        self.seq_bits = (u64::BITS - 1).saturating_sub(span_bits);
    }

    /// Adds a happening (the next in generation order), with its short key if within the run.
    fn push(&mut self, time: Time, what: Happening) {
        let seq = self.raw.len() as u32;
        let e = Exogenous::new(time, seq, what);
        self.raw.push(e);
        if self.start <= time && time < self.end {
            let (_, o, _) = e.order();
            let since = (time.0 - self.start.0) as u64;
            // Wrong only when the generation number outgrows its bits: then unused (see `sort`).
            let key = (since << 1 | u64::from(o)).wrapping_shl(self.seq_bits) | u64::from(seq);
            self.short_keys.push(key);
        }
    }

    /// Puts the happenings within the run in processing order: sorts their packed orders
    /// (unique: they end with the generation number, which is also the index in `raw`), then
    /// gathers (cheaper than moving whole happenings while sorting).
    fn sort(&mut self) {
        let raw = &self.raw;
        if self.seq_bits > 0 && (raw.len() as u64) <= 1u64 << self.seq_bits {
            // One-word keys sort faster.
            self.short_keys.sort_unstable();
            let mask = (1u64 << self.seq_bits) - 1;
            self.sorted.extend(self.short_keys.iter().map(|k| raw[(k & mask) as usize]));
        } else {
            let (start, end) = (self.start, self.end);
            self.keys.clear();
            self.keys.extend(raw.iter().filter(|e| start <= e.time && e.time < end).map(Exogenous::key));
            self.keys.sort_unstable();
            self.sorted.extend(self.keys.iter().map(|k| raw[(*k as u32) as usize]));
        }
    }
}

/// Draws a customer's profile and everything that happens to them within the run, into
/// `happenings` (cleared first), sorted in processing order. Returns the profile.
pub fn generate(
    s: &Scenario,
    calendar: &Calendar,
    replication: u32,
    customer: u64,
    happenings: &mut Happenings,
) -> Profile {
    happenings.clear(s.period.start_time(), s.period.end_time());
    let key = CustomerKey::new(s.run.seed, replication, customer);
    let mut rng = key.own_stream(Purpose::Profile);
    let country = match s.customers.countries.as_slice() {
        [(only, _)] => *only,
        countries => {
            let u: f64 = rng.random();
            countries.iter().find(|(_, cum)| u < *cum).or(countries.last()).map_or(Country::US, |c| c.0)
        }
    };
    let opted_in = bernoulli(s.customers.opted_in, &mut rng);
    let activity = calendar.activity.map_or(1.0, |g| g.sample(&mut rng));
    let profile = Profile { country, opted_in, activity, key };
    let days = f64::from(s.period.days);
    let mut id: u64 = 0;
    let content = |content: Content, urgent: bool, id: &mut u64, campaign: Option<u16>| {
        *id += 1;
        Happening::Content { content, urgent, id: *id, campaign }
    };

    // Visits and ad clicks: a burst of inbound messages, then agents' answers.
    let mut support_rng = s.customers.support.as_ref().map(|_| key.own_stream(Purpose::Support));
    let mut visit = |r: &mut Xoshiro256PlusPlus, from_ad: bool, out: &mut Happenings| {
        let start = calendar.draw(r);
        let entry_point = from_ad || bernoulli(s.customers.visits.entry_point_share, r);
        let n = 1 + calendar.burst.sample(r);
        let mut t = start;
        for k in 0..n {
            if k > 0 {
                t = t.plus(sample(s.customers.visits.gap, r).max(1));
            }
            out.push(t, Happening::Inbound { entry_point: entry_point && k == 0 });
        }
        if let (Some(support), Some(support_rng)) = (&s.customers.support, &mut support_rng) {
            let replies = count_with_mean(support.replies_per_visit, support_rng);
            let mut t = start;
            for _ in 0..replies {
                t = t.plus(sample(support.response, support_rng).max(1));
                if let Some(office) = &calendar.office {
                    t = office.next(t);
                }
                let what = content(Content::Support, false, &mut id, None);
                out.push(t, what);
            }
        }
    };
    let mut visit_rng = key.own_stream(Purpose::Visits);
    for _ in 0..poisson(s.customers.visits.per_day * activity * days, &mut visit_rng) {
        visit(&mut visit_rng, false, happenings);
    }
    let per_customer_clicks = s.customers.ad_clicks_per_day / s.customers.count as f64;
    if per_customer_clicks > 0.0 {
        let mut ads_rng = key.own_stream(Purpose::Ads);
        for _ in 0..poisson(per_customer_clicks * days, &mut ads_rng) {
            visit(&mut ads_rng, true, happenings);
        }
    }

    if let Some(orders) = &s.customers.orders {
        let mut r = key.own_stream(Purpose::Orders);
        for _ in 0..poisson(orders.per_day * activity * days, &mut r) {
            let t = calendar.draw(&mut r);
            for n in &orders.notifications {
                let what = content(Content::Utility, n.urgent, &mut id, None);
                happenings.push(t.plus(n.after), what);
            }
        }
    }

    if s.customers.logins_per_day > 0.0 {
        let mut r = key.own_stream(Purpose::Logins);
        for _ in 0..poisson(s.customers.logins_per_day * activity * days, &mut r) {
            let t = calendar.draw(&mut r);
            let what = content(Content::Authentication, true, &mut id, None);
            happenings.push(t, what);
        }
    }

    if !s.customers.campaigns.is_empty() {
        let mut r = key.own_stream(Purpose::Campaigns);
        for (c, campaign) in s.customers.campaigns.iter().enumerate() {
            let kind = match campaign.category {
                crate::rules::TemplateCategory::Marketing => Content::Marketing,
                crate::rules::TemplateCategory::Utility => Content::Utility,
                crate::rules::TemplateCategory::Authentication => Content::Authentication,
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_every_part_of_the_key() {
        let base = stream_key(1, 0, 0, Purpose::Visits, 0);
        assert_ne!(base, stream_key(2, 0, 0, Purpose::Visits, 0));
        assert_ne!(base, stream_key(1, 1, 0, Purpose::Visits, 0));
        assert_ne!(base, stream_key(1, 0, 1, Purpose::Visits, 0));
        assert_ne!(base, stream_key(1, 0, 0, Purpose::Orders, 0));
        assert_ne!(base, stream_key(1, 0, 0, Purpose::Visits, 1));
        assert_eq!(base, stream_key(1, 0, 0, Purpose::Visits, 0));
    }

    #[test]
    fn a_customers_own_streams_are_uncorrelated() {
        // Over 20,000 customers, the first uniforms of neighbouring purposes' streams (whose
        // seeds are neighbouring blocks of one SplitMix64 sequence), and of a purpose's stream
        // and the same customer's keyed stream: correlations within 4 standard errors of 0
        // (1/√n each), means within 4 of 1/2 (bounds fixed in advance).
        let n = 20_000;
        let purposes = [Purpose::Profile, Purpose::Visits, Purpose::Ads, Purpose::Orders, Purpose::Logins];
        let first = |r: &mut Xoshiro256PlusPlus| r.random::<f64>();
        let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(n); purposes.len() + 1];
        for customer in 0..n as u64 {
            let key = CustomerKey::new(7, 0, customer);
            for (d, p) in draws.iter_mut().zip(purposes) {
                d.push(first(&mut key.own_stream(p)));
            }
            draws[purposes.len()].push(first(&mut key.stream(Purpose::Reply, 1)));
        }
        let bound = 4.0 / (n as f64).sqrt();
        for (i, a) in draws.iter().enumerate() {
            let mean = a.iter().sum::<f64>() / n as f64;
            assert!((mean - 0.5).abs() < 4.0 * (1.0 / 12.0 / n as f64).sqrt(), "stream {i}: mean {mean}");
            if let Some(b) = draws.get(i + 1) {
                // Uniforms: mean 1/2, variance 1/12.
                let cov = a.iter().zip(b).map(|(x, y)| (x - 0.5) * (y - 0.5)).sum::<f64>() / n as f64;
                let corr = cov * 12.0;
                assert!(corr.abs() < bound, "streams {i} and {}: correlation {corr}", i + 1);
            }
        }
        // And no two of one customer's generators start alike.
        let key = CustomerKey::new(7, 0, 0);
        let mut starts: Vec<u64> = purposes.iter().map(|p| key.own_stream(*p).next_u64()).collect();
        starts.extend([Purpose::Reply, Purpose::FollowUp].map(|p| key.stream(p, 0).next_u64()));
        starts.sort_unstable();
        starts.dedup();
        assert_eq!(starts.len(), purposes.len() + 2);
    }

    #[test]
    fn poisson_counts_have_the_right_mean_and_variance() {
        // 20,000 draws: the sample mean is within 4 standard errors of λ (bound fixed in advance).
        for lambda in [0.3, 4.0, 50.0] {
            let mut rng = stream(9, 0, 0, Purpose::Visits, 0);
            let n = 20_000;
            let draws: Vec<f64> = (0..n).map(|_| poisson(lambda, &mut rng) as f64).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            assert!((mean - lambda).abs() < 4.0 * (lambda / n as f64).sqrt(), "λ {lambda}: mean {mean}");
            assert!((var / lambda - 1.0).abs() < 0.08, "λ {lambda}: variance {var}");
        }
    }

    #[test]
    fn small_poisson_counts_follow_the_poisson_law() {
        // 20,000 draws binned 0, 1, .. and a last bin for the rest (each expecting more than 15);
        // the chi-square statistic under its 0.1% critical value for the bins' degrees of freedom
        // (fixed in advance: 24.32 for 7, 32.91 for 12).
        for (lambda, bins, critical) in [(1.5, 8, 24.32), (4.0, 13, 32.91)] {
            let mut rng = stream(11, 0, 0, Purpose::Orders, 0);
            let n = 20_000;
            let mut observed = vec![0u64; bins];
            for _ in 0..n {
                observed[(poisson(lambda, &mut rng) as usize).min(bins - 1)] += 1;
            }
            let mut p = (-lambda).exp();
            let mut rest = 1.0;
            let mut chi2 = 0.0;
            for (k, o) in observed.iter().enumerate() {
                let prob = if k + 1 == bins { rest } else { p };
                rest -= p;
                p *= lambda / (k + 1) as f64;
                let e = prob * n as f64;
                chi2 += (*o as f64 - e).powi(2) / e;
            }
            assert!(chi2 < critical, "λ {lambda}: chi-square {chi2}");
        }
    }

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

    /// The engine relies on happenings coming in processing order (time, inbound first,
    /// generation order), all of them within the run: checked on a month (one-word sort keys)
    /// and on ten years (too long for them).
    #[test]
    fn happenings_come_in_processing_order_within_the_run() {
        for days in [30, 3650] {
            let text = format!(
                "[run]\nstart = \"2026-01-05\"\ndays = {days}\n[customers]\ncountries = {{ IN = 1.0 }}\n[customers.visits]\nper-day = 0.2\nmessages = 3\n[orders]\nper-day = 0.05\nnotifications = [{{ after = \"0s\" }}, {{ after = \"3d\" }}]\n"
            );
            let s = Scenario::parse(&text, std::path::Path::new("t.toml")).unwrap();
            let calendar = Calendar::new(&s);
            let mut h = Happenings::default();
            let mut seen = 0;
            for customer in 0..20 {
                generate(&s, &calendar, 0, customer, &mut h);
                let sorted = h.sorted();
                let within =
                    h.raw.iter().filter(|e| s.period.start_time() <= e.time && e.time < s.period.end_time()).count();
                assert_eq!(sorted.len(), within, "{days} days: every happening within the run, once");
                assert!(sorted.windows(2).all(|w| w[0].order() < w[1].order()), "{days} days: in order");
                let mut seqs: Vec<u32> = sorted.iter().map(|e| e.seq).collect();
                seqs.sort_unstable();
                seqs.dedup();
                assert_eq!(seqs.len(), sorted.len(), "{days} days: no happening twice");
                seen += sorted.len();
            }
            assert!(seen > 40, "{days} days: only {seen} happenings drawn");
        }
    }

    #[test]
    fn the_calendar_follows_the_profile() {
        let text = "[run]\nstart = \"2026-01-05\"\ndays = 7\n[customers]\ncountries = { IN = 1.0 }\n[customers.visits]\nhourly = [0,0,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1,3,3,0,0,0,0]\nweekly = [1,1,1,1,1,0,0]\n";
        let s = Scenario::parse(text, std::path::Path::new("t.toml")).unwrap();
        let c = Calendar::new(&s);
        let mut rng = stream(3, 0, 0, Purpose::Visits, 0);
        let n = 30_000;
        let mut evening = 0;
        let mut per_hour = [0u64; 24];
        let mut within = Vec::with_capacity(n);
        for _ in 0..n {
            let t = c.draw(&mut rng);
            let local = (t.0 - s.period.start_time().0) / HOUR;
            let (day, hour) = (local / 24, local % 24);
            assert!(day < 5, "weekend drawn");
            assert!((9..20).contains(&hour), "hour {hour} drawn");
            evening += usize::from(hour >= 18);
            per_hour[hour as usize] += 1;
            within.push((t.0 - s.period.start_time().0).rem_euclid(HOUR) as f64 / HOUR as f64);
        }
        // Hours 18 and 19 weigh 6 of 15: 40%, within 4 standard errors (bound fixed in advance).
        let share = evening as f64 / n as f64;
        assert!((share - 0.4).abs() < 4.0 * (0.4f64 * 0.6 / n as f64).sqrt(), "{share}");
        // Every hour in its weight: chi-square over the 11 hours drawn, under its 0.1% critical
        // value for 10 degrees of freedom, 29.59 (fixed in advance).
        let chi2: f64 = (9..20)
            .map(|h| {
                let e = n as f64 * if h >= 18 { 3.0 } else { 1.0 } / 15.0;
                (per_hour[h] as f64 - e).powi(2) / e
            })
            .sum();
        assert!(chi2 < 29.59, "chi-square {chi2}");
        // Uniform within the hour: Kolmogorov–Smirnov distance under its 0.1% critical value.
        let d = ks_distance(within, |x| x.clamp(0.0, 1.0));
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
    }

    #[test]
    fn the_office_days_table_agrees_with_the_office_hours() {
        // Every minute and a few odd instants from a day before the run to ten days after it,
        // in a zone off UTC by a non-whole hour, with hours from midnight and to midnight too.
        for (from, to, days) in [
            ("09:00", "21:00", r#"["mon", "tue", "wed", "thu", "fri", "sat"]"#),
            ("00:00", "24:00", r#"["sun"]"#),
            ("08:30", "17:45", r#"["tue", "fri"]"#),
        ] {
            let text = format!(
                "[run]\nstart = \"2026-01-01\"\ndays = 9\ntimezone = \"+05:30\"\n[customers]\ncountries = {{ IN = 1.0 }}\n[support]\nresponse = {{ kind = \"exponential\", mean = \"1h\" }}\noffice-hours = {{ from = \"{from}\", to = \"{to}\", days = {days} }}\n"
            );
            let s = Scenario::parse(&text, std::path::Path::new("t.toml")).unwrap();
            let hours = s.customers.support.as_ref().and_then(|x| x.office_hours).unwrap();
            let office = Calendar::new(&s).office.unwrap();
            let offset = i64::from(s.period.offset.0);
            let first = s.period.start_time().0 - DAY;
            for i in 0..(20 * 24 * 60) {
                for t in [first + i * 60 * SECOND, first + i * 60 * SECOND + 7_919] {
                    let t = Time(t);
                    assert_eq!(office.next(t), next_office_time(t, &hours, offset), "{from}-{to}: {t:?}");
                }
            }
        }
    }

    #[test]
    fn office_hours_push_replies_to_the_next_opening() {
        let hours = OfficeHours { from: 9 * 3600, to: 18 * 3600, days: [true, true, true, true, true, false, false] };
        // 2026-01-02 is a Friday; 19:00 UTC is after closing, so Monday 09:00.
        let t = Time::parse_rfc3339("2026-01-02T19:00:00Z").unwrap();
        let next = next_office_time(t, &hours, 0);
        assert_eq!(next, Time::parse_rfc3339("2026-01-05T09:00:00Z").unwrap());
        let inside = Time::parse_rfc3339("2026-01-02T10:00:00Z").unwrap();
        assert_eq!(next_office_time(inside, &hours, 0), inside);
    }
}
