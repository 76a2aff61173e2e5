//! Poisson counts for the rates of a customer's life (visits, orders, logins, a visit's burst),
//! the fast way: means below 30 by inversion with one uniform, a table of cumulative
//! probabilities for a mean drawn many times, rand_distr's rejection method for the rest. The
//! tests hold both fast paths to the Poisson law and to a plain reference inversion.

use rand::{Rng, RngExt};
use rand_distr::num_traits::Float;
use rand_distr::{Distribution, Poisson};

/// A Poisson count of mean `lambda` (0 for a mean of 0 or less).
pub(crate) fn poisson<R: Rng + ?Sized>(lambda: f64, rng: &mut R) -> u64 {
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
pub(crate) struct PoissonTable {
    count: PoissonCount,
    /// P(X <= k) for k = 0, 1, ... until it reaches 1 or the probabilities underflow.
    cdf: Vec<f64>,
    /// The count for a uniform at or above every entry (where the sequential search stops).
    last: u64,
}

impl PoissonTable {
    pub(crate) fn new(lambda: f64) -> PoissonTable {
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
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        if self.count.p0 > 0.0 {
            let u: f64 = rng.random();
            return self.cdf.iter().position(|&c| u < c).map_or(self.last, |k| k as u64);
        }
        self.count.sample_large(rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::streams::{Purpose, stream};

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

    /// The reference: the least k whose cumulative probability, summed from the law's terms
    /// e^-λ λ^k / k! computed afresh, exceeds u.
    fn inverted(lambda: f64, u: f64) -> u64 {
        let mut cdf = 0.0;
        let mut log_factorial = 0.0;
        for k in 0..1000u64 {
            if k > 0 {
                log_factorial += (k as f64).ln();
            }
            cdf += (-lambda + k as f64 * lambda.ln() - log_factorial).exp();
            if u < cdf {
                return k;
            }
        }
        1000
    }

    #[test]
    fn the_fast_inversions_agree_with_the_reference_inversion() {
        // For 20,000 uniforms per mean, the one-uniform search and the table give the reference's
        // count, except for uniforms within 1e-12 of a cumulative probability (the sums round
        // differently there; none is expected among so few uniforms).
        let mut rng = stream(13, 0, 0, Purpose::Visits, 0);
        for lambda in [0.05, 0.7, 3.0, 12.5, 29.0] {
            let table = PoissonTable::new(lambda);
            for _ in 0..20_000 {
                let u: f64 = rng.random();
                let want = inverted(lambda, u);
                let fast = {
                    let mut one = ConstantUniform(u);
                    PoissonCount::new(lambda).sample(&mut one)
                };
                let tabled = table.sample(&mut ConstantUniform(u));
                assert_eq!((fast, tabled), (want, want), "λ {lambda}, u {u}");
            }
        }
    }

    /// A generator whose every `f64` is the given uniform (the inversions draw exactly one).
    struct ConstantUniform(f64);

    impl rand::TryRng for ConstantUniform {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok((self.try_next_u64()? >> 32) as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            // rand's f64 takes the high 53 bits: this word gives back exactly the uniform.
            Ok(((self.0 * (1u64 << 53) as f64) as u64) << 11)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            dst.fill(0);
            Ok(())
        }
    }
}
