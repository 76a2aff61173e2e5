//! A made-up but realistic [`ReportData`] for the renderer's tests: every chart and table has
//! something to show, without running a simulation. Its numbers are invented: they have the
//! shape of a run (daily seasonality, campaign days, spread across replications, a pricing change
//! mid-period), not the values of one. Test-only: the library never ships invented numbers.

use super::{
    Amount, CategoryCost, CostDistribution, DailyCost, DayCost, FreeCount, FreeReason, Marker, MarketCost,
    MessageSplit, MonthCost, RateCardNote, ReportData, ServiceRow, StrategyCost, TotalCost,
};
use crate::pricing::BillCategory;
use crate::pricing::money::{Money, SCALE};
use crate::report::money_text;
use crate::time::Date;

/// A deterministic stream of uniform numbers in [0, 1) (SplitMix64), so the sample is the same
/// everywhere.
struct Stream(u64);

impl Stream {
    /// The next uniform in [0, 1): SplitMix64, the crate's own mixer, over a counter.
    fn next(&mut self) -> f64 {
        let z = crate::behaviour::streams::mix(self.0);
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        crate::behaviour::streams::unit(z)
    }

    /// Roughly normal (sum of uniforms), mean 0, sd 1.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next()).sum::<f64>() - 6.0
    }
}

/// An exact amount: the float rounded to four decimals, as sums of published rates are.
fn exact(v: f64) -> Amount {
    Amount::exact(Money((v * 1e4).round() as i128 * (SCALE / 10_000)))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn mean_ci(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = if n > 1.0 { values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    let half = 1.96 * (var / n).sqrt();
    (mean, mean - half, mean + half)
}

/// A sample report: three strategies, priced under per-message-2025 and per-message-2026, over
/// `days` days from 2026-08-15 (so the 2026-10-01 change falls inside 60 days), with
/// `replications` replications, six markets and a P90 budget.
#[must_use]
pub fn sample(days: u32, replications: u32) -> ReportData {
    let strategies = ["window check", "always templates", "re-engage, then free-form"];
    let models = ["per-message-2025", "per-message-2026"];
    let start = Date::ymd(2026, 8, 15);
    let dates: Vec<String> = (0..days).map(|d| date_text(Date(start.0 + d as i32))).collect();
    let mut rng = Stream(20_260_815);
    // Per strategy: daily base cost under per-message-2025 and the category mix.
    let base = [310.0, 455.0, 352.0];
    let mix: [[(BillCategory, f64); 4]; 3] = [
        [
            (BillCategory::Marketing, 0.62),
            (BillCategory::Utility, 0.18),
            (BillCategory::Authentication, 0.14),
            (BillCategory::AuthenticationInternational, 0.06),
        ],
        [
            (BillCategory::Marketing, 0.45),
            (BillCategory::Utility, 0.41),
            (BillCategory::Authentication, 0.10),
            (BillCategory::AuthenticationInternational, 0.04),
        ],
        [
            (BillCategory::Marketing, 0.66),
            (BillCategory::Utility, 0.12),
            (BillCategory::Authentication, 0.15),
            (BillCategory::AuthenticationInternational, 0.07),
        ],
    ];
    let n = replications.max(1) as usize;
    // daily[s][day][rep] under per-message-2025; per-message-2026 adds service and in-window utility.
    let mut daily = vec![vec![vec![0.0; n]; dates.len()]; strategies.len()];
    for (per_day, b) in daily.iter_mut().zip(base) {
        for (d, reps) in per_day.iter_mut().enumerate() {
            let weekday = (d + 5) % 7; // 2026-08-15 is a Saturday
            let weekly = if weekday >= 5 { 0.72 } else { 1.0 + 0.04 * weekday as f64 };
            let campaign = if d % 14 == 3 { 2.6 } else { 1.0 };
            let trend = 1.0 + 0.003 * d as f64;
            for cost in reps.iter_mut() {
                let noise = 1.0 + 0.09 * rng.normal() + if campaign > 1.0 { 0.2 * rng.normal() } else { 0.0 };
                *cost = (b * weekly * campaign * trend * noise).max(0.0);
            }
        }
    }
    let model_factor = [1.0, 1.34];
    let mut costs = Vec::new();
    let mut messages = Vec::new();
    for (m, model) in models.iter().enumerate() {
        for (s, strategy) in strategies.iter().enumerate() {
            let totals: Vec<f64> =
                (0..n).map(|r| daily[s].iter().map(|day| day[r]).sum::<f64>() * model_factor[m]).collect();
            let (mean, lo, hi) = mean_ci(&totals);
            let mut sorted = totals.clone();
            sorted.sort_by(f64::total_cmp);
            let mut by_category: Vec<CategoryCost> = mix[s]
                .iter()
                .map(|(c, share)| CategoryCost { category: *c, mean: exact(mean * share / model_factor[m]) })
                .collect();
            if m == 1 {
                let rest = mean - mean / model_factor[m];
                by_category.push(CategoryCost { category: BillCategory::Service, mean: exact(rest) });
            }
            costs.push(StrategyCost {
                strategy: (*strategy).to_string(),
                pricing: (*model).to_string(),
                by_category,
                total: TotalCost {
                    mean: exact(mean),
                    ci: Some((lo, hi)),
                    p50: exact(percentile(&sorted, 50.0)),
                    p90: exact(percentile(&sorted, 90.0)),
                    p95: exact(percentile(&sorted, 95.0)),
                },
                charged: 9_000.0 + 1000.0 * s as f64,
                delivered: 40_000.0,
            });
            let sent = [41_800.0, 39_500.0, 44_100.0][s] * f64::from(days) / 60.0;
            let paid_share = [[0.31, 0.58, 0.24], [0.63, 0.71, 0.55]][m][s];
            let paid = (sent * paid_share).round();
            let free_total = sent - paid;
            let split: &[(FreeReason, f64)] = if m == 0 {
                &[(FreeReason::ServiceWindow, 0.22), (FreeReason::FreeForm, 0.68), (FreeReason::EntryPoint, 0.10)]
            } else {
                &[(FreeReason::ServiceWindow, 0.05), (FreeReason::FreeTier, 0.80), (FreeReason::EntryPoint, 0.15)]
            };
            messages.push(MessageSplit {
                strategy: (*strategy).to_string(),
                pricing: (*model).to_string(),
                paid,
                free: split
                    .iter()
                    .map(|(r, share)| FreeCount { reason: *r, count: (free_total * share).round() })
                    .collect(),
            });
        }
    }
    let detail = 0;
    let daily_costs = strategies
        .iter()
        .enumerate()
        .map(|(s, strategy)| DailyCost {
            strategy: (*strategy).to_string(),
            days: dates
                .iter()
                .enumerate()
                .map(|(d, date)| {
                    let mut v = daily[s][d].clone();
                    v.sort_by(f64::total_cmp);
                    DayCost {
                        date: date.clone(),
                        mean: v.iter().sum::<f64>() / n as f64,
                        p5: percentile(&v, 5.0),
                        p95: percentile(&v, 95.0),
                    }
                })
                .collect(),
        })
        .collect();
    let rep_totals: Vec<Vec<f64>> =
        (0..strategies.len()).map(|s| (0..n).map(|r| daily[s].iter().map(|day| day[r]).sum()).collect()).collect();
    let distributions = strategies
        .iter()
        .enumerate()
        .map(|(s, strategy)| {
            let mut sorted = rep_totals[s].clone();
            sorted.sort_by(f64::total_cmp);
            CostDistribution {
                strategy: (*strategy).to_string(),
                totals: rep_totals[s].clone(),
                budget: exact(sorted[sorted.len() - 1]),
                budget_is_bound: sorted.len() >= 29,
                estimate: percentile(&sorted, 90.0),
                estimate_ci: None,
            }
        })
        .collect();
    let market_share = [("IN", 0.38), ("BR", 0.24), ("ID", 0.14), ("MX", 0.10), ("DE", 0.09), ("US", 0.05)];
    let mut markets = Vec::new();
    for (market, share) in market_share {
        for (s, strategy) in strategies.iter().enumerate() {
            let mean = rep_totals[s].iter().sum::<f64>() / n as f64;
            let tilt = if market == "DE" && s == 1 { 1.6 } else { 1.0 };
            markets.push(MarketCost {
                market: market.to_string(),
                strategy: (*strategy).to_string(),
                mean: exact(mean * share * tilt),
            });
        }
    }
    // Headline: the cheapest strategy under the detailed model, against the next cheapest.
    let means: Vec<f64> = rep_totals.iter().map(|t| t.iter().sum::<f64>() / n as f64).collect();
    let mut order: Vec<usize> = (0..strategies.len()).collect();
    order.sort_by(|a, b| means[*a].total_cmp(&means[*b]));
    let (best, next) = (order[0], order[1]);
    let diffs: Vec<f64> = (0..n).map(|r| rep_totals[next][r] - rep_totals[best][r]).collect();
    let (saving, lo, hi) = mean_ci(&diffs);
    let cheaper = diffs.iter().filter(|d| **d > 0.0).count() as f64 / n as f64;
    ReportData {
        scenario: "indian-retailer".to_string(),
        question: "Which template strategy is cheapest for an Indian retailer that sends marketing campaigns \
                   and order notifications, and what does the 2026-10-01 change do to it?"
            .to_string(),
        currency: "USD".to_string(),
        seed: 42,
        replications,
        start: date_text(start),
        days,
        pricing_models: models.iter().map(|m| (*m).to_string()).collect(),
        rate_cards: vec![
            RateCardNote {
                model: "per-message-2025".to_string(),
                effective: "2026-01-01".to_string(),
                source: "bundled".to_string(),
                note: "Meta's published per-message rate card effective 2026-01-01 (USD).".to_string(),
            },
            RateCardNote {
                model: "per-message-2026".to_string(),
                effective: "2026-10-01".to_string(),
                source: "bundled".to_string(),
                note: "Per-message rates from 2026-10-01, service rates as announced <draft> & subject to change."
                    .to_string(),
            },
        ],
        strategies: strategies.iter().map(|s| (*s).to_string()).collect(),
        costs,
        messages,
        detail_pricing: models[detail].to_string(),
        daily: daily_costs,
        distributions,
        budget_percentile: 90.0,
        markets,
        markers: vec![
            Marker { date: "2026-09-01".to_string(), label: "Rate card 2026-09-01 (test)".to_string() },
            Marker { date: "2026-10-01".to_string(), label: "per-message-2026 starts".to_string() },
            Marker { date: "2026-10-01".to_string(), label: "Rate card 2026-10-01".to_string() },
        ],
        compare: "strategies".to_string(),
        asks: "which strategy is cheapest".to_string(),
        answer: vec![format!(
            "Under {}, {} is the cheapest strategy: it costs USD {} less than {} ({lo:.2} to {hi:.2}), cheaper in {:.0}% of replications.",
            models[detail],
            strategies[best],
            money_text(saving),
            strategies[next],
            cheaper * 100.0
        )],
        warnings: vec!["A test warning.".to_string()],
        pricing_base: models[0].to_string(),
        warm_up_days: 0,
        customers: 20_000,
        precision: None,
        service: strategies
            .iter()
            .enumerate()
            .map(|(s, strategy)| ServiceRow {
                strategy: (*strategy).to_string(),
                owed: 1000.0,
                on_time: 800.0,
                late: 150.0 - 50.0 * s as f64,
                blocked: 50.0 * s as f64,
                dropped: 0.0,
                undelivered: 50.0,
                customers_owed: 700.0,
                customers_unanswered: 20.0 + 10.0 * s as f64,
                reengagements_sent: 0.0,
                reengagements_replied: 0.0,
                median_answer_seconds: Some(1234.0),
            })
            .collect(),
        months: vec![MonthCost {
            strategy: strategies[0].to_string(),
            pricing: models[0].to_string(),
            month: "2026-09".to_string(),
            days: 30,
            month_days: 30,
            mean: 1234.5,
            ci: Some((1200.0, 1300.0)),
        }],
    }
}

fn date_text(d: Date) -> String {
    d.to_string()
}
