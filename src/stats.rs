//! Statistics across replications: mean, standard deviation, a t-based 95% confidence interval of
//! the mean, and quantiles (type 7: linear interpolation between order statistics, as R's default
//! and NumPy's `linear`). Floats are fine here: they summarise exact per-replication totals.

use serde::Serialize;

mod run;
pub(crate) use run::{CellStats, RunStats, mean_u64};

/// A summary of one quantity across replications.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// How many values (replications) the summary is over.
    pub n: usize,
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1 denominator; 0 for one replication).
    pub sd: f64,
    /// Lower end of the two-sided 95% confidence interval of the mean (Student's t, n − 1 df).
    pub ci95_low: f64,
    /// Upper end of the interval.
    pub ci95_high: f64,
    /// Median (type 7).
    pub p50: f64,
    /// 90th percentile (type 7).
    pub p90: f64,
    /// 95th percentile (type 7).
    pub p95: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// Two-sided 95% quantile of Student's t with `df` degrees of freedom (`t_{0.975, df}`).
#[must_use]
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        _ => {
            // Cornish–Fisher expansion around the normal quantile; error < 1e-4 beyond 30 df.
            let z: f64 = 1.959_964;
            let n = df as f64;
            let z3 = z.powi(3);
            let z5 = z.powi(5);
            z + (z3 + z) / (4.0 * n) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
        }
    }
}

/// Quantile `q` in [0, 1] of sorted values, type 7.
#[must_use]
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Summarises values (one per replication).
#[must_use]
pub fn summarize(values: &[f64]) -> Summary {
    let n = values.len();
    let mean = if n == 0 { f64::NAN } else { values.iter().sum::<f64>() / n as f64 };
    let sd = if n < 2 { 0.0 } else { (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt() };
    let half = if n < 2 { 0.0 } else { t975(n - 1) * sd / (n as f64).sqrt() };
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Summary {
        n,
        mean,
        sd,
        ci95_low: mean - half,
        ci95_high: mean + half,
        p50: quantile(&sorted, 0.5),
        p90: quantile(&sorted, 0.9),
        p95: quantile(&sorted, 0.95),
        min: sorted.first().copied().unwrap_or(f64::NAN),
        max: sorted.last().copied().unwrap_or(f64::NAN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_7_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.9) - 4.6).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.95), 7.0);
    }

    #[test]
    fn mean_sd_and_interval() {
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!((s.mean - 5.0).abs() < 1e-12);
        assert!((s.sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        let half = 2.365 * s.sd / 8f64.sqrt();
        assert!((s.ci95_high - 5.0 - half).abs() < 1e-9);
    }

    #[test]
    fn t_quantile_tends_to_the_normal() {
        assert!((t975(1000) - 1.962).abs() < 1e-3);
        assert!((t975(40) - 2.021).abs() < 1e-3);
        assert!(t975(31) < t975(30));
    }
}
