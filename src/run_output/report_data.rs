//! A run's results as the report reads them: [`ReportData`] built from the run, the scenario
//! and the statistics `summary.json` is written from, so the report's numbers are its numbers.

use super::cards_used;
use crate::engine::RunResult;
use crate::pricing::money::Money;
use crate::pricing::{BUNDLED_CARDS, Model, Pricing, card_file_name};
use crate::report::{
    Amount, CategoryCost, CostDistribution, DailyCost, DayCost, FreeCount, Headline, Marker, MarketCost, MessageSplit,
    PaidOrFree, RateCardNote, ReportData, StrategyCost, TotalCost,
};
use crate::scenario::Scenario;
use crate::stats::quantile;
use crate::stats::{CellStats, RunStats};
use crate::time::Date;

/// Everything the charts and the report show about a run.
#[must_use]
pub fn report_data(s: &Scenario, r: &RunResult, stats: &RunStats) -> ReportData {
    let n = r.replications.len();
    let detail = s.report.detail_pricing.min(s.pricings.len() - 1);
    let mut costs = Vec::new();
    let mut messages = Vec::new();
    for (si, named) in s.strategies.iter().enumerate() {
        for (pi, pricing) in s.pricings.iter().enumerate() {
            let cell = stats.cell(s, si, pi);
            costs.push(StrategyCost {
                strategy: named.name.clone(),
                pricing: pricing.id().to_owned(),
                by_category: by_category(cell),
                total: total_cost(cell),
            });
            messages.push(message_split(cell, &named.name, pricing.id()));
        }
    }
    let distributions = s
        .strategies
        .iter()
        .enumerate()
        .map(|(si, named)| {
            let cell = stats.cell(s, si, detail);
            CostDistribution {
                strategy: named.name.clone(),
                totals: cell.totals.iter().map(|m| m.as_f64()).collect(),
                budget: percentile(&cell.totals, s.report.budget_percentile / 100.0),
            }
        })
        .collect();
    ReportData {
        scenario: s.name.clone(),
        question: question(s),
        currency: s.business.book.currency().to_owned(),
        seed: s.run.seed,
        replications: u32::try_from(n).unwrap_or(u32::MAX),
        start: s.period.start.to_string(),
        days: s.period.days,
        pricing_models: s.pricings.iter().map(|p| p.id().to_owned()).collect(),
        rate_cards: rate_cards(s),
        strategies: s.strategies.iter().map(|n| n.name.clone()).collect(),
        costs,
        messages,
        detail_pricing: s.pricings[detail].id().to_owned(),
        daily: daily(s, r, detail),
        distributions,
        budget_percentile: s.report.budget_percentile,
        markets: markets(s, r, detail),
        markers: markers(s, s.pricings[detail]),
        headline: headline(s, stats, detail, n),
    }
}

/// The scenario file's header comment as text: its lines joined into sentences, a new line
/// where a line ends a sentence. The description when the file has no header comment.
fn question(s: &Scenario) -> String {
    let mut out = String::new();
    for line in s.text.lines().skip_while(|l| l.trim().is_empty()) {
        let Some(comment) = line.trim().strip_prefix('#') else { break };
        let words = comment.trim();
        if words.is_empty() {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            continue;
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push(' ');
        }
        out.push_str(words);
        if words.ends_with(['.', '?', '!', ':']) {
            out.push('\n');
        }
    }
    let out = out.trim().to_owned();
    if out.is_empty() { s.description.clone() } else { out }
}

/// The `q` quantile of the totals (type 7, as summary.json's): exact when it falls on one
/// replication's total, else the interpolated float.
fn percentile(totals: &[Money], q: f64) -> Amount {
    let mut sorted = totals.to_vec();
    sorted.sort_unstable();
    let floats: Vec<f64> = sorted.iter().map(|m| m.as_f64()).collect();
    let value = quantile(&floats, q);
    let h = (sorted.len().saturating_sub(1)) as f64 * q;
    match sorted.get(h as usize) {
        Some(m) if h.fract() == 0.0 => Amount { value, exact: Some(m.to_string()) },
        _ => Amount::float(value),
    }
}

fn total_cost(cell: &CellStats) -> TotalCost {
    let t = &cell.total;
    TotalCost {
        mean: Amount::float(t.mean),
        ci_low: t.ci95_low,
        ci_high: t.ci95_high,
        p50: percentile(&cell.totals, 0.5),
        p90: percentile(&cell.totals, 0.9),
        p95: percentile(&cell.totals, 0.95),
    }
}

/// Mean cost by category, as summary.json's `cost_by_category` (categories with no cost left
/// out; entry-point conversations, priced at the service column, count as service).
fn by_category(cell: &CellStats) -> Vec<CategoryCost> {
    let mut out: Vec<CategoryCost> = Vec::new();
    for c in &cell.categories {
        if c.cost.mean == 0.0 {
            continue;
        }
        let category = c.category;
        match out.iter_mut().find(|x| x.category == category) {
            Some(x) => x.mean = Amount::float(x.mean.value + c.cost.mean),
            None => out.push(CategoryCost { category, mean: Amount::float(c.cost.mean) }),
        }
    }
    out
}

/// Delivered business messages, paid and free by reason, from the tallies' final reasons.
fn message_split(cell: &CellStats, strategy: &str, pricing: &str) -> MessageSplit {
    let mut paid = 0.0;
    let mut free: Vec<FreeCount> = Vec::new();
    for (reason, mean) in &cell.reasons {
        match PaidOrFree::of(*reason) {
            PaidOrFree::Paid => paid += mean,
            PaidOrFree::Free(why) => match free.iter_mut().find(|f| f.reason == why) {
                Some(f) => f.count += mean,
                None => free.push(FreeCount { reason: why, count: *mean }),
            },
            PaidOrFree::NotCounted => {}
        }
    }
    free.sort_by_key(|f| f.reason);
    MessageSplit { strategy: strategy.to_owned(), pricing: pricing.to_owned(), paid, free }
}

/// Daily cost per strategy under the detailed pricing: the mean (as daily.csv has it) and the
/// 5th and 95th percentiles across replications.
fn daily(s: &Scenario, r: &RunResult, detail: usize) -> Vec<DailyCost> {
    let n = r.replications.len().max(1) as f64;
    s.strategies
        .iter()
        .enumerate()
        .map(|(si, named)| {
            let days = (0..r.layout.days())
                .map(|day| {
                    let costs: Vec<Money> =
                        r.replications.iter().map(|rep| rep.tally(si, detail).day(day).cost).collect();
                    let mut values: Vec<f64> = costs.iter().map(|m| m.as_f64()).collect();
                    values.sort_by(f64::total_cmp);
                    DayCost {
                        date: Date(s.period.start.0 + day as i32).to_string(),
                        mean: costs.iter().copied().sum::<Money>().as_f64() / n,
                        p5: quantile(&values, 0.05),
                        p95: quantile(&values, 0.95),
                    }
                })
                .collect();
            DailyCost { strategy: named.name.clone(), days }
        })
        .collect()
}

/// Mean cost per market and strategy under the detailed pricing (breakdown.csv's rows summed).
fn markets(s: &Scenario, r: &RunResult, detail: usize) -> Vec<MarketCost> {
    let n = r.replications.len().max(1) as f64;
    let mut out = Vec::new();
    for (mi, market) in r.layout.markets().iter().enumerate() {
        for (si, named) in s.strategies.iter().enumerate() {
            let sum: Money = r.replications.iter().map(|rep| rep.tally(si, detail).by_market(mi).cost).sum();
            out.push(MarketCost {
                market: s.business.book.markets.name(*market).to_owned(),
                strategy: named.name.clone(),
                mean: Amount::float(sum.as_f64() / n),
            });
        }
    }
    out
}

/// The dates inside the run where the detailed pricing's prices change: the model `auto`
/// applies, the rate card in force, rule 16's free service conversations, the business's
/// authentication-international eligibility, and a country moving to another market.
fn markers(s: &Scenario, pricing: Pricing) -> Vec<Marker> {
    let mut out = Vec::new();
    for d in 1..s.period.days {
        let date = Date(s.period.start.0 + d as i32);
        let before = Date(date.0 - 1);
        let mut mark = |label: String| out.push(Marker { date: date.to_string(), label });
        let (m0, m1) = (pricing.model_on(before), pricing.model_on(date));
        if m0 != m1 {
            mark(format!("{m1} starts"));
        } else if let Some(card) = s.business.book.card_for(m1, date)
            && s.business.book.card_for(m0, before) != Some(card)
        {
            mark(format!("{m1} rate card of {}", s.business.book.card(card).effective));
        }
        if m1 == Model::Category2023 && date == Date::ymd(2024, 11, 1) {
            mark("service conversations free (rule 16)".to_owned());
        }
        if s.business.country.is_some() && s.business.auth_international_from == Some(date) {
            mark("authentication-international rates apply".to_owned());
        }
        for (country, _) in &s.customers.countries {
            let (a, b) = (
                s.business.book.markets.market_of(*country, before),
                s.business.book.markets.market_of(*country, date),
            );
            if a != b {
                mark(format!("{country} moves to market {}", s.business.book.markets.name(b)));
            }
        }
    }
    out
}

/// The rate cards the run priced with, with their provenance.
fn rate_cards(s: &Scenario) -> Vec<RateCardNote> {
    cards_used(s)
        .into_iter()
        .map(|id| {
            let card = s.business.book.card(id);
            let bundled = (card.source == "bundled")
                .then(|| BUNDLED_CARDS.iter().find(|b| card_file_name(b.file) == Some((card.model, card.effective))))
                .flatten();
            let (source, note) = match bundled {
                Some(b) => (format!("bundled: rates/{}", b.file), b.notes.to_owned()),
                None => (card.source.clone(), "Your card, named in the scenario's business.rates.".to_owned()),
            };
            RateCardNote { model: card.model.id().to_owned(), effective: card.effective.to_string(), source, note }
        })
        .collect()
}

/// Under the detailed pricing, the cheapest strategy by mean total and its paired difference
/// with the next cheapest, from summary.json's `paired_differences`.
fn headline(s: &Scenario, stats: &RunStats, detail: usize, n: usize) -> Option<Headline> {
    let mut order: Vec<usize> = (0..s.strategies.len()).collect();
    order.sort_by(|a, b| stats.cell(s, *a, detail).total.mean.total_cmp(&stats.cell(s, *b, detail).total.mean));
    let (&cheapest, &next) = (order.first()?, order.get(1)?);
    let pair =
        stats.paired.iter().find(|p| p.pricing == detail && (p.a, p.b) == (cheapest.min(next), cheapest.max(next)))?;
    // The pair's difference is a − b; the saving is next − cheapest.
    let sign = if pair.a == cheapest { -1.0 } else { 1.0 };
    let d = &pair.difference;
    let (low, high) = if sign < 0.0 { (-d.ci95_high, -d.ci95_low) } else { (d.ci95_low, d.ci95_high) };
    let cheaper = if pair.a == cheapest { pair.a_cheaper } else { pair.b_cheaper };
    Some(Headline {
        pricing: s.pricings[detail].id().to_owned(),
        cheapest: s.strategies[cheapest].name.clone(),
        compared_with: s.strategies[next].name.clone(),
        saving: Amount::float(sign * d.mean + 0.0),
        saving_ci_low: low + 0.0,
        saving_ci_high: high + 0.0,
        cheaper_share: Some(cheaper as f64 / n.max(1) as f64),
    })
}
