//! How long customers waited for support answers, counted without keeping every time: a
//! log-linear histogram (HDR-style) of whole seconds, exact below 64 s and within 1/64 (1.6%)
//! above, in a fixed array, so the engine's hot loop counts an answer with one increment and
//! allocates nothing. The test holds its median to the exact median of the same times.

/// Sub-buckets per doubling of the time: the relative resolution is 1 / `SUB`.
const SUB: u64 = 64;
const SUB_BITS: u32 = SUB.trailing_zeros();
/// Times are counted up to 2⁴⁰ s (about 35,000 years); longer ones in the last bucket.
const MAX_BITS: u32 = 40;
const BUCKETS: usize = (SUB + (MAX_BITS - SUB_BITS) as u64 * SUB) as usize;

/// Answer times, in seconds, as a histogram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerTimes {
    counts: Box<[u64; BUCKETS]>,
    total: u64,
}

impl Default for AnswerTimes {
    fn default() -> AnswerTimes {
        AnswerTimes { counts: Box::new([0; BUCKETS]), total: 0 }
    }
}

/// The bucket of `secs`.
#[inline]
fn bucket(secs: u64) -> usize {
    if secs < SUB {
        return secs as usize;
    }
    let secs = secs.min((1 << MAX_BITS) - 1);
    let octave = u64::BITS - 1 - secs.leading_zeros(); // ≥ SUB_BITS
    let shift = octave - SUB_BITS;
    let mantissa = (secs >> shift) - SUB;
    (SUB + u64::from(shift) * SUB + mantissa) as usize
}

/// The first second a bucket holds and how many it spans.
fn bounds(b: usize) -> (f64, f64) {
    let b = b as u64;
    if b < SUB {
        return (b as f64, 1.0);
    }
    let shift = (b - SUB) / SUB;
    let mantissa = (b - SUB) % SUB;
    (((SUB + mantissa) << shift) as f64, (1u64 << shift) as f64)
}

impl AnswerTimes {
    /// Counts one answer given `secs` seconds after the customer asked.
    #[inline]
    pub(crate) fn count(&mut self, secs: u64) {
        self.counts[bucket(secs)] += 1;
        self.total += 1;
    }

    /// How many answers were counted.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.total
    }

    pub(crate) fn add(&mut self, other: &AnswerTimes) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.total += other.total;
    }

    /// The median, in seconds (within 1/64 of the exact median above a minute); `None` with no
    /// answers. The answers of a bucket are taken as spread evenly over it.
    #[must_use]
    pub fn median(&self) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        // The middle rank, 1-based (between the two middle answers when the count is even).
        let rank = (self.total as f64 + 1.0) / 2.0;
        let mut below = 0.0;
        for (b, &n) in self.counts.iter().enumerate() {
            let n = n as f64;
            if n > 0.0 && below + n >= rank {
                let (low, width) = bounds(b);
                if width == 1.0 {
                    return Some(low);
                }
                return Some(low + width * (rank - below - 0.5) / n);
            }
            below += n;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn buckets_tile_the_seconds() {
        let mut expected_start = 0.0;
        for b in 0..BUCKETS {
            let (low, width) = bounds(b);
            assert_eq!(low, expected_start, "bucket {b}");
            assert_eq!(bucket(low as u64), b);
            assert_eq!(bucket((low + width - 1.0) as u64), b);
            expected_start = low + width;
        }
    }

    proptest! {
        /// The histogram's median is within 1/64 (plus a second) of the exact median of the
        /// same times (the reference: sort them).
        #[test]
        fn the_median_is_close_to_the_exact_one(times in prop::collection::vec(0u64..3_000_000, 1..300)) {
            let mut h = AnswerTimes::default();
            for t in &times {
                h.count(*t);
            }
            let mut sorted = times.clone();
            sorted.sort_unstable();
            let n = sorted.len();
            let (lo, hi) = (sorted[(n - 1) / 2] as f64, sorted[n / 2] as f64);
            let m = h.median().unwrap();
            prop_assert!(m >= lo * (1.0 - 1.0 / 64.0) - 1.0 && m <= hi * (1.0 + 1.0 / 64.0) + 1.0, "{} vs [{}, {}]", m, lo, hi);
        }
    }

    #[test]
    fn small_times_are_exact() {
        let mut h = AnswerTimes::default();
        for t in [5, 7, 9] {
            h.count(t);
        }
        assert_eq!(h.median(), Some(7.0));
        assert_eq!(AnswerTimes::default().median(), None);
    }
}
