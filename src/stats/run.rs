//! The statistics of a run, computed once from its tallies: `summary.json` and the report both
//! read them, so the report's numbers are summary.json's.

use super::{Summary, summarize};
use crate::engine::RunResult;
use crate::pricing::BillCategory;
use crate::pricing::money::Money;
use crate::rules::{Outcome, Reason};
use crate::scenario::Scenario;
use crate::tally::{Charges, PricingTally, Traffic};

fn provider_fees(s: &Scenario, tally: &PricingTally, traffic: &Traffic) -> Money {
    let delivered = traffic.outcome(Outcome::Delivered);
    let inbound = traffic.inbound();
    s.business.fees.per_outbound * delivered
        + s.business.fees.per_inbound * inbound
        + tally.cost().percent(s.business.fees.markup_percent)
}

/// The mean of counts over `n` replications.
pub(crate) fn mean_u64(values: impl Iterator<Item = u64>, n: usize) -> f64 {
    values.map(|v| v as f64).sum::<f64>() / n.max(1) as f64
}

/// The statistics of a run, computed once: `summary.json` and the report both read them, so the
/// report's numbers are summary.json's.
#[derive(Clone, Debug)]
pub struct RunStats {
    /// Per (strategy, pricing), at index `strategy * pricings + pricing`.
    pub cells: Vec<CellStats>,
    /// Per pricing, every pair of strategies `a < b`, in the scenario's order.
    pub paired: Vec<PairStats>,
}

/// The statistics of one strategy under one pricing.
#[derive(Clone, Debug)]
pub struct CellStats {
    /// The exact total of each replication.
    pub totals: Vec<Money>,
    /// The total across replications.
    pub total: Summary,
    /// The provider's fees across replications.
    pub fees: Summary,
    /// Per bill category that had charged units or cost: mean charged units and the cost.
    pub categories: Vec<CategoryStats>,
    /// Mean messages per replication by final reason (reasons that occurred).
    pub reasons: Vec<(Reason, f64)>,
    /// Mean conversations opened per replication by category (categories that occurred).
    pub conversations: Vec<(BillCategory, f64)>,
}

/// One bill category's charges.
#[derive(Clone, Debug)]
pub struct CategoryStats {
    /// The category.
    pub category: BillCategory,
    /// Mean charged units per replication.
    pub charged_mean: f64,
    /// Its cost across replications.
    pub cost: Summary,
}

/// Two strategies under one pricing, paired by replication (same simulated customers).
#[derive(Clone, Debug)]
pub struct PairStats {
    /// The pricing (index in the scenario).
    pub pricing: usize,
    /// Strategy a (index).
    pub a: usize,
    /// Strategy b (index).
    pub b: usize,
    /// Per replication, cost of a minus cost of b.
    pub difference: Summary,
    /// The exact sum of those differences over the replications.
    pub total: Money,
    /// Replications in which a costs less.
    pub a_cheaper: usize,
    /// Replications in which b costs less.
    pub b_cheaper: usize,
}

impl RunStats {
    /// Computes the statistics of a run.
    #[must_use]
    pub fn new(s: &Scenario, r: &RunResult) -> RunStats {
        let np = s.pricings.len();
        let n = r.replications.len();
        let mut cells = Vec::new();
        for si in 0..s.strategies.len() {
            for pi in 0..np {
                let tallies: Vec<&PricingTally> = r.replications.iter().map(|rep| rep.tally(si, pi)).collect();
                let exact = r.totals(si, pi);
                let costs: Vec<f64> = exact.iter().map(|m| m.as_f64()).collect();
                let fees: Vec<f64> = r
                    .replications
                    .iter()
                    .map(|rep| provider_fees(s, rep.tally(si, pi), rep.traffic(si)).as_f64())
                    .collect();
                let mut categories = Vec::new();
                for category in BillCategory::ALL {
                    let charges: Vec<Charges> = tallies.iter().map(|t| t.by_category(category)).collect();
                    if charges.iter().all(Charges::is_empty) {
                        continue;
                    }
                    let costs: Vec<f64> = charges.iter().map(|c| c.cost.as_f64()).collect();
                    categories.push(CategoryStats {
                        category,
                        charged_mean: mean_u64(charges.iter().map(|c| c.charged), n),
                        cost: summarize(&costs),
                    });
                }
                let reasons = Reason::ALL
                    .iter()
                    .filter_map(|reason| {
                        let total: u64 = tallies.iter().map(|t| t.reason(*reason)).sum();
                        (total > 0).then(|| (*reason, total as f64 / n as f64))
                    })
                    .collect();
                let conversations = BillCategory::ALL
                    .into_iter()
                    .filter_map(|category| {
                        let total: u64 = tallies.iter().map(|t| t.conversations(category)).sum();
                        (total > 0).then(|| (category, total as f64 / n as f64))
                    })
                    .collect();
                cells.push(CellStats {
                    total: summarize(&costs),
                    totals: exact,
                    fees: summarize(&fees),
                    categories,
                    reasons,
                    conversations,
                });
            }
        }
        let mut paired = Vec::new();
        for pi in 0..np {
            for a in 0..s.strategies.len() {
                for b in a + 1..s.strategies.len() {
                    let (ta, tb) = (&r.totals(a, pi), &r.totals(b, pi));
                    let diffs: Vec<f64> = ta.iter().zip(tb).map(|(x, y)| (*x - *y).as_f64()).collect();
                    paired.push(PairStats {
                        pricing: pi,
                        a,
                        b,
                        difference: summarize(&diffs),
                        total: ta.iter().zip(tb).map(|(x, y)| *x - *y).sum(),
                        a_cheaper: ta.iter().zip(tb).filter(|(x, y)| x < y).count(),
                        b_cheaper: ta.iter().zip(tb).filter(|(x, y)| x > y).count(),
                    });
                }
            }
        }
        RunStats { cells, paired }
    }

    /// The statistics of a strategy under a pricing.
    #[must_use]
    pub fn cell(&self, s: &Scenario, strategy: usize, pricing: usize) -> &CellStats {
        &self.cells[strategy * s.pricings.len() + pricing]
    }
}
