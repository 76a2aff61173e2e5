//! Precision on demand: a run whose scenario sets `run.precision` adds replications in batches
//! until the 95% interval of every strategy's mean total under every pricing is within that share
//! of the mean, or it reaches `run.max-replications`. Each replication depends only on the seed
//! and its number, so the stopping point, and every output, is the same for a seed whatever the
//! thread count.

use crate::engine::{self, Precision, RunError, RunResult};
use crate::scenario::Scenario;
use crate::stats::summarize;

/// The largest relative half-width of the 95% interval of a mean total (strategy × pricing) of
/// the run: infinite below two replications; a total that is zero in every replication is exact.
fn worst(s: &Scenario, r: &RunResult) -> f64 {
    let mut worst: f64 = 0.0;
    for si in 0..s.strategies.len() {
        for pi in 0..s.pricings.len() {
            let totals: Vec<f64> = r.totals(si, pi).iter().map(|m| m.as_f64()).collect();
            let x = summarize(&totals);
            let relative = match x.half_width() {
                None => f64::INFINITY,
                Some(0.0) => 0.0,
                Some(_) if x.mean == 0.0 => f64::INFINITY,
                Some(h) => h / x.mean.abs(),
            };
            worst = worst.max(if relative.is_nan() { f64::INFINITY } else { relative });
        }
    }
    worst
}

/// Runs a scenario: its replications, then, with a precision target, more in batches (the
/// scenario's replications, at least 2, at a time; as many batches at once as the current
/// spread says the target needs) until every mean is precise enough or the cap is reached.
///
/// # Errors
/// As [`engine::run`].
pub fn run(s: &Scenario, trace: u64, progress: &(dyn Fn(u64) + Sync)) -> Result<RunResult, RunError> {
    let mut r = engine::run(s, trace, progress)?;
    let Some(target) = s.run.precision else { return Ok(r) };
    let batch = s.run.replications.max(2);
    let cap = s.run.max_replications.max(s.run.replications);
    let mut batches = 1;
    loop {
        let achieved = worst(s, &r);
        let n = u32::try_from(r.replications.len()).unwrap_or(u32::MAX);
        if achieved <= target || n >= cap {
            r.precision = Some(Precision { target, achieved, reached: achieved <= target, batches });
            return Ok(r);
        }
        // The half-width shrinks as 1/√n: the replications the target needs at today's spread,
        // rounded up to whole batches, at least one more.
        let needed = if achieved.is_finite() { f64::from(n) * (achieved / target).powi(2) } else { 0.0 };
        let more = ((needed - f64::from(n)) / f64::from(batch)).ceil().max(1.0).min(f64::from(cap));
        let upto = (u64::from(n) + more as u64 * u64::from(batch)).min(u64::from(cap)) as u32;
        batches += more as u32;
        engine::run_more(s, &mut r, upto, progress)?;
    }
}
