//! Weighted draws in constant time: Walker and Vose's alias method in 64-bit fixed point, for
//! the hour of the run a customer's visit or order falls in (one weight per hour of the run,
//! from the daily and weekly profiles). The tests hold it to the exact probabilities of its
//! weights.

use rand::Rng;

/// A table over `n` outcomes: outcome `k` is kept with probability `keep[k]` / 2^64 (a
/// probability of 1 is stored as `u64::MAX`; such outcomes are their own alias), else replaced by
/// `alias[k]`.
#[derive(Clone, Debug)]
pub(crate) struct AliasTable {
    keep: Vec<u64>,
    alias: Vec<u32>,
}

impl AliasTable {
    /// The table of non-negative weights (all zero counts as all alike).
    pub(crate) fn new(weights: &[f64]) -> AliasTable {
        let n = weights.len();
        let mut weights = weights.to_vec();
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            weights.iter_mut().for_each(|w| *w = 1.0);
        }
        let total: f64 = weights.iter().sum();
        // Vose's method: scale to mean 1, pair each light outcome with a heavy one.
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut keep = vec![1.0; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&k| scaled[k] < 1.0);
        while let (Some(l), Some(&g)) = (small.pop(), large.last()) {
            keep[l] = scaled[l];
            alias[l] = g as u32;
            scaled[g] -= 1.0 - scaled[l];
            if scaled[g] < 1.0 {
                large.pop();
                small.push(g);
            }
        }
        // Rounding may leave light outcomes unpaired: they keep themselves, except outcomes of
        // no weight.
        let heaviest = (0..n).max_by(|a, b| weights[*a].total_cmp(&weights[*b])).unwrap_or(0);
        for k in small {
            if weights[k] <= 0.0 {
                keep[k] = 0.0;
                alias[k] = heaviest as u32;
            }
        }
        // In 64-bit fixed point (the conversion saturates: 1 becomes `u64::MAX`).
        let keep = keep.iter().map(|p| (p * 2f64.powi(64)) as u64).collect();
        AliasTable { keep, alias }
    }

    /// The number of outcomes.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.keep.len()
    }

    /// An outcome drawn from one 64-bit word: its product with the number of outcomes is a
    /// uniform outcome `k` (the high word) and a uniform 64-bit fraction (the low word) that
    /// decides between `k` and its alias.
    #[inline]
    pub(crate) fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        let scaled = u128::from(rng.next_u64()) * self.keep.len() as u128;
        let k = (scaled >> 64) as usize;
        if (scaled as u64) < self.keep[k] { k } else { self.alias[k] as usize }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::streams::{Purpose, stream};

    /// The probability the table gives each outcome, exactly as its draw does: each of the n
    /// columns is picked with probability 1/n, then kept with probability keep/2^64.
    fn probabilities(t: &AliasTable) -> Vec<f64> {
        let n = t.len() as f64;
        let mut p = vec![0.0; t.len()];
        for k in 0..t.len() {
            let keep = if t.keep[k] == u64::MAX { 1.0 } else { t.keep[k] as f64 / 2f64.powi(64) };
            p[k] += keep / n;
            p[t.alias[k] as usize] += (1.0 - keep) / n;
        }
        p
    }

    #[test]
    fn each_outcome_has_the_probability_of_its_weight() {
        // The reference: weight / total. Within 1e-12 for every outcome, zero-weight outcomes
        // never drawn, for skewed, flat, sparse and one-outcome weights.
        let cases: Vec<Vec<f64>> = vec![
            vec![1.0, 3.0, 0.0, 6.0],
            vec![1.0; 24 * 30],
            (0..24 * 7).map(|h| if h % 24 >= 9 && h % 24 < 18 { (h % 5) as f64 + 0.5 } else { 0.0 }).collect(),
            vec![2.5],
            vec![0.0, 0.0, 0.0],
        ];
        for weights in cases {
            let t = AliasTable::new(&weights);
            let total: f64 = weights.iter().sum();
            for (k, p) in probabilities(&t).iter().enumerate() {
                let want = if total > 0.0 { weights[k] / total } else { 1.0 / weights.len() as f64 };
                assert!((p - want).abs() < 1e-12, "outcome {k} of {}: {p} against {want}", weights.len());
                if want == 0.0 {
                    assert!(t.keep[k] == 0 && weights[t.alias[k] as usize] > 0.0, "outcome {k} can be drawn");
                }
            }
        }
    }

    #[test]
    fn draws_follow_the_weights() {
        // 40,000 draws over weights 1:2:3:4: chi-square under its 0.1% critical value for 3
        // degrees of freedom, 16.27 (fixed in advance).
        let t = AliasTable::new(&[1.0, 2.0, 3.0, 4.0]);
        let mut rng = stream(17, 0, 0, Purpose::Visits, 0);
        let n = 40_000;
        let mut seen = [0u64; 4];
        for _ in 0..n {
            seen[t.draw(&mut rng)] += 1;
        }
        let chi2: f64 = seen
            .iter()
            .enumerate()
            .map(|(k, o)| {
                let e = n as f64 * (k + 1) as f64 / 10.0;
                (*o as f64 - e).powi(2) / e
            })
            .sum();
        assert!(chi2 < 16.27, "chi-square {chi2}: {seen:?}");
    }
}
