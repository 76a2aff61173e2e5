//! The statistics of a run, computed once from its tallies: `summary.json` and the report both
//! read them, so the report's numbers are summary.json's.

use super::{
    LEVEL, Summary, quantile, quantile_interval_ranks, quantile_upper_rank, replications_for_upper_bound, summarize,
};
use crate::engine::RunResult;
use crate::pricing::BillCategory;
use crate::pricing::money::Money;
use crate::rules::{Outcome, Reason};
use crate::scenario::{Compare, Scenario};
use crate::tally::{AnswerTimes, Charges, PricingTally, Service, Traffic};

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
    /// Per strategy, every pair of pricings `a < b`: the same traffic priced both ways.
    pub pricing_pairs: Vec<PricingPairStats>,
    /// Per strategy: the service it gave (the same under every pricing).
    pub service: Vec<ServiceStats>,
    /// How many replications the statistics are over.
    pub replications: usize,
}

/// The same traffic of one strategy priced two ways.
#[derive(Clone, Debug)]
pub struct PricingPairStats {
    /// The strategy (index).
    pub strategy: usize,
    /// Pricing a (index).
    pub a: usize,
    /// Pricing b (index).
    pub b: usize,
    /// Per replication, the cost under a minus the cost under b.
    pub difference: Summary,
}

/// The budget of one strategy under one pricing: the total not exceeded in the chosen share of
/// replications, and a bound on it that a run of this size can vouch for.
#[derive(Clone, Copy, Debug)]
pub struct BudgetStats {
    /// The percentile (e.g. 90).
    pub percentile: f64,
    /// The sample percentile of the totals (type 7).
    pub estimate: f64,
    /// Its distribution-free 95% confidence interval, when the replications are enough.
    pub estimate_ci: Option<(f64, f64)>,
    /// A 95% upper confidence bound on the true percentile (an order statistic of the totals),
    /// when the replications are enough for one.
    pub upper_bound: Option<f64>,
    /// The fewest replications for such a bound (`None`: no number is enough, at P100).
    pub needed: Option<usize>,
}

impl BudgetStats {
    /// Whether the run has the replications for an upper bound.
    #[must_use]
    pub fn enough(&self) -> bool {
        self.upper_bound.is_some()
    }

    /// The figure to budget: the upper bound when there is one, else the estimate.
    #[must_use]
    pub fn figure(&self) -> f64 {
        self.upper_bound.unwrap_or(self.estimate)
    }
}

/// The cost of one calendar month of the run.
#[derive(Clone, Debug)]
pub struct MonthStats {
    /// The month index within the run.
    pub month: usize,
    /// The days of the month that count in the figures.
    pub days: usize,
    /// Its cost across replications.
    pub cost: Summary,
    /// Mean charged units.
    pub charged_mean: f64,
}

/// One market's cost (the question's categories only).
#[derive(Clone, Debug)]
pub struct MarketStats {
    /// The market's slot in the run's layout.
    pub slot: usize,
    /// Its cost across replications.
    pub cost: Summary,
}

/// What one strategy's service came to, as means per replication.
#[derive(Clone, Debug, Default)]
pub struct ServiceStats {
    /// Answers delivered on time.
    pub on_time: f64,
    /// Answers delivered late.
    pub late: f64,
    /// Answers blocked (131047).
    pub blocked: f64,
    /// Answers the strategy dropped.
    pub dropped: f64,
    /// Answers suppressed or failed.
    pub undelivered: f64,
    /// Answers still held at the end.
    pub held_at_end: f64,
    /// Customers owed an answer.
    pub customers_owed: f64,
    /// Customers owed answers who received none.
    pub customers_unanswered: f64,
    /// Re-engagement templates delivered.
    pub reengagements_sent: f64,
    /// Those replied to.
    pub reengagements_replied: f64,
    /// Median seconds from the question to a delivered answer, over every replication.
    pub median_answer_seconds: Option<f64>,
}

impl ServiceStats {
    /// Answers owed per replication.
    #[must_use]
    pub fn owed(&self) -> f64 {
        self.on_time + self.late + self.blocked + self.dropped + self.undelivered + self.held_at_end
    }

    /// The share of customers owed an answer who got none (0 when none was owed).
    #[must_use]
    pub fn unanswered_share(&self) -> f64 {
        if self.customers_owed > 0.0 { self.customers_unanswered / self.customers_owed } else { 0.0 }
    }

    fn new(services: &[&Service]) -> ServiceStats {
        let n = services.len();
        let mean = |f: fn(&Service) -> u64| mean_u64(services.iter().map(|s| f(s)), n);
        let mut times = AnswerTimes::default();
        for s in services {
            times.add(&s.answer_times);
        }
        ServiceStats {
            on_time: mean(|s| s.on_time),
            late: mean(|s| s.late),
            blocked: mean(|s| s.blocked),
            dropped: mean(|s| s.dropped),
            undelivered: mean(|s| s.undelivered),
            held_at_end: mean(|s| s.held_at_end),
            customers_owed: mean(|s| s.customers_owed),
            customers_unanswered: mean(|s| s.customers_unanswered),
            reengagements_sent: mean(|s| s.reengagements_sent),
            reengagements_replied: mean(|s| s.reengagements_replied),
            median_answer_seconds: times.median(),
        }
    }
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
    /// The budget at the scenario's percentile.
    pub budget: BudgetStats,
    /// Per calendar month of the run with days that count.
    pub months: Vec<MonthStats>,
    /// Per market (the question's categories when it compares markets), markets with a cost.
    pub markets: Vec<MarketStats>,
    /// The same categories in every market together, across replications.
    pub markets_total: Summary,
    /// The same outside the market of the business's own number (when it has one).
    pub abroad: Option<Summary>,
    /// Mean units charged per replication.
    pub charged_mean: f64,
    /// Mean business messages delivered per replication.
    pub delivered_mean: f64,
}

/// The budget of sorted totals at `percentile`.
fn budget(sorted: &[f64], percentile: f64) -> BudgetStats {
    let q = percentile / 100.0;
    BudgetStats {
        percentile,
        estimate: quantile(sorted, q),
        estimate_ci: quantile_interval_ranks(sorted.len(), q, LEVEL).map(|(l, u)| (sorted[l - 1], sorted[u - 1])),
        upper_bound: quantile_upper_rank(sorted.len(), q, LEVEL).map(|u| sorted[u - 1]),
        needed: replications_for_upper_bound(q, LEVEL),
    }
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
                let mut sorted = costs.clone();
                sorted.sort_by(f64::total_cmp);
                let layout = &r.layout;
                let months = (0..layout.months())
                    .filter_map(|month| {
                        let days = (layout.warm_up()..layout.days())
                            .filter(|d| layout.month_index(layout.date(*d)) == month)
                            .count();
                        (days > 0).then(|| {
                            let charges: Vec<Charges> = tallies.iter().map(|t| t.month(month)).collect();
                            let costs: Vec<f64> = charges.iter().map(|c| c.cost.as_f64()).collect();
                            MonthStats {
                                month,
                                days,
                                cost: summarize(&costs),
                                charged_mean: mean_u64(charges.iter().map(|c| c.charged), n),
                            }
                        })
                    })
                    .collect();
                let market_categories: Vec<BillCategory> = match &s.question.compare {
                    Compare::Markets { categories } if !categories.is_empty() => categories.clone(),
                    _ => BillCategory::ALL.to_vec(),
                };
                let by_market: Vec<Vec<Money>> = (0..layout.markets().len())
                    .map(|slot| {
                        tallies
                            .iter()
                            .map(|t| {
                                (0..layout.months())
                                    .flat_map(|m| market_categories.iter().map(move |c| (m, *c)))
                                    .map(|(m, c)| t.charges(m, slot, c).cost)
                                    .sum()
                            })
                            .collect()
                    })
                    .collect();
                let floats = |v: &[Money]| v.iter().map(|m| m.as_f64()).collect::<Vec<_>>();
                let markets = by_market
                    .iter()
                    .enumerate()
                    .filter(|(_, costs)| costs.iter().any(|c| *c != Money::ZERO))
                    .map(|(slot, costs)| MarketStats { slot, cost: summarize(&floats(costs)) })
                    .collect();
                let sum_over = |keep: &dyn Fn(usize) -> bool| -> Vec<f64> {
                    (0..n)
                        .map(|rep| {
                            by_market
                                .iter()
                                .enumerate()
                                .filter(|(slot, _)| keep(*slot))
                                .map(|(_, c)| c[rep])
                                .sum::<Money>()
                        })
                        .map(|m| m.as_f64())
                        .collect()
                };
                let home = s.business.country.map(|c| {
                    let market = s.business.book.markets.market_of(c, s.period.start);
                    layout.markets().iter().position(|m| *m == market)
                });
                let markets_total = summarize(&sum_over(&|_| true));
                let abroad = home.map(|home| summarize(&sum_over(&|slot| Some(slot) != home)));
                cells.push(CellStats {
                    total: summarize(&costs),
                    totals: exact,
                    fees: summarize(&fees),
                    categories,
                    reasons,
                    conversations,
                    budget: budget(&sorted, s.report.budget_percentile),
                    months,
                    markets,
                    markets_total,
                    abroad,
                    charged_mean: mean_u64(tallies.iter().map(|t| t.charged()), n),
                    delivered_mean: mean_u64(
                        r.replications.iter().map(|rep| rep.traffic(si).outcome(Outcome::Delivered)),
                        n,
                    ),
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
        let mut pricing_pairs = Vec::new();
        for strategy in 0..s.strategies.len() {
            for a in 0..np {
                for b in a + 1..np {
                    let (ta, tb) = (r.totals(strategy, a), r.totals(strategy, b));
                    let diffs: Vec<f64> = ta.iter().zip(&tb).map(|(x, y)| (*x - *y).as_f64()).collect();
                    pricing_pairs.push(PricingPairStats { strategy, a, b, difference: summarize(&diffs) });
                }
            }
        }
        let service = (0..s.strategies.len())
            .map(|si| ServiceStats::new(&r.replications.iter().map(|rep| &rep.traffic(si).service).collect::<Vec<_>>()))
            .collect();
        RunStats { cells, paired, pricing_pairs, service, replications: n }
    }

    /// The same traffic of `strategy` priced under `a` minus under `b` (pricing indices, either
    /// order).
    #[must_use]
    pub fn pricing_difference(&self, strategy: usize, a: usize, b: usize) -> Option<(Summary, bool)> {
        self.pricing_pairs
            .iter()
            .find(|p| p.strategy == strategy && (p.a, p.b) == (a.min(b), a.max(b)))
            .map(|p| (p.difference, a > b))
    }

    /// The pair of strategies `a` and `b` under `pricing`, and whether it is stored as (b, a).
    #[must_use]
    pub fn pair(&self, pricing: usize, a: usize, b: usize) -> Option<(&PairStats, bool)> {
        self.paired.iter().find(|p| p.pricing == pricing && (p.a, p.b) == (a.min(b), a.max(b))).map(|p| (p, a > b))
    }

    /// The statistics of a strategy under a pricing.
    #[must_use]
    pub fn cell(&self, s: &Scenario, strategy: usize, pricing: usize) -> &CellStats {
        &self.cells[strategy * s.pricings.len() + pricing]
    }
}
