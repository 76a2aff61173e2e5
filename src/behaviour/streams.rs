//! Random streams: every draw of a run comes from a stream keyed by (seed, replication,
//! customer, purpose[, content id]), with a named portable generator, so every strategy and
//! every pricing model sees the same customers (common random numbers) whatever the thread
//! count.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

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
    /// Orders and their notifications.
    Orders = 4,
    /// Logins needing a one-time code.
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
    /// Inbound calls.
    Calls = 12,
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
    #[cfg(test)]
    pub fn key(self, purpose: Purpose, id: u64) -> u64 {
        self.purpose(purpose).key(id)
    }

    /// This customer's generator for (purpose, id).
    #[cfg(test)]
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
    pub(crate) fn own_stream(self, purpose: Purpose) -> Xoshiro256PlusPlus {
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
#[cfg(test)]
pub fn stream_key(seed: u64, replication: u32, customer: u64, purpose: Purpose, id: u64) -> u64 {
    CustomerKey::new(seed, replication, customer).key(purpose, id)
}

/// A named portable generator for one stream.
#[cfg(test)]
pub fn stream(seed: u64, replication: u32, customer: u64, purpose: Purpose, id: u64) -> Xoshiro256PlusPlus {
    CustomerKey::new(seed, replication, customer).stream(purpose, id)
}

/// A uniform number in [0, 1) from a key (53 bits).
#[must_use]
pub fn unit(key: u64) -> f64 {
    (key >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt};

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
}
