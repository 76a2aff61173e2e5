//! A run's results as the report reads them: [`ReportData`] built from the run, the scenario
//! and the statistics `summary.json` is written from, so the report's numbers are its numbers.

use super::cards_used;
use crate::answer::{Answer, question_in_words};
use crate::engine::RunResult;
use crate::pricing::money::Money;
use crate::pricing::{BUNDLED_CARDS, Model, Pricing, card_file_name};
use crate::report::{
    Amount, CategoryCost, CostDistribution, DailyCost, DayCost, FreeCount, Marker, MarketCost, MessageSplit, MonthCost,
    PaidOrFree, RateCardNote, ReportData, ServiceRow, StrategyCost, TotalCost,
};
use crate::scenario::{Compare, Scenario};
use crate::stats::quantile;
use crate::stats::{CellStats, RunStats};
use crate::time::Date;

/// Everything the charts and the report show about a run.
#[must_use]
pub fn report_data(s: &Scenario, r: &RunResult, stats: &RunStats, answer: &Answer) -> ReportData {
    let n = r.replications.len();
    let detail = s.report.detail_pricing.min(s.pricings.len() - 1);
    let mut months = Vec::new();
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
                charged: cell.charged_mean,
                delivered: cell.delivered_mean,
            });
            for m in &cell.months {
                let month = r.layout.month(m.month);
                months.push(MonthCost {
                    strategy: named.name.clone(),
                    pricing: pricing.id().to_owned(),
                    month: month.to_string(),
                    days: m.days as u32,
                    month_days: days_in(month),
                    mean: m.cost.mean,
                    ci: m.cost.ci95,
                });
            }
            messages.push(message_split(cell, &named.name, pricing.id()));
        }
    }
    let distributions = s
        .strategies
        .iter()
        .enumerate()
        .map(|(si, named)| {
            let cell = stats.cell(s, si, detail);
            let b = &cell.budget;
            CostDistribution {
                strategy: named.name.clone(),
                totals: cell.totals.iter().map(|m| m.as_f64()).collect(),
                budget: Amount::float(b.figure()),
                budget_is_bound: b.enough(),
                estimate: b.estimate,
                estimate_ci: b.estimate_ci,
            }
        })
        .collect();
    ReportData {
        scenario: s.name.clone(),
        question: question(s),
        currency: s.business.book.currency().to_owned(),
        seed: s.run.seed,
        replications: u32::try_from(n).unwrap_or(u32::MAX),
        start: r.layout.date(r.layout.warm_up()).to_string(),
        days: (r.layout.days() - r.layout.warm_up()) as u32,
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
        compare: compare_id(&s.question.compare).to_owned(),
        asks: question_in_words(s),
        answer: answer.sentences.clone(),
        warnings: answer.warnings.clone(),
        pricing_base: match &s.question.compare {
            Compare::Pricing { from, .. } => s.pricings[*from].id().to_owned(),
            _ => s.pricings[0].id().to_owned(),
        },
        warm_up_days: s.run.warm_up_days,
        customers: s.customers.count,
        precision: r.precision.map(|p| {
            format!(
                "{} replications, added in {} batch{} until every mean total was known to within {:.2}% (target {:.2}%{})",
                n,
                p.batches,
                if p.batches == 1 { "" } else { "es" },
                p.achieved * 100.0,
                p.target * 100.0,
                if p.reached { "" } else { "; not reached within run.max-replications" }
            )
        }),
        service: s
            .strategies
            .iter()
            .zip(&stats.service)
            .map(|(named, x)| ServiceRow {
                strategy: named.name.clone(),
                owed: x.owed(),
                on_time: x.on_time,
                late: x.late,
                blocked: x.blocked,
                dropped: x.dropped,
                undelivered: x.undelivered + x.held_at_end,
                customers_owed: x.customers_owed,
                customers_unanswered: x.customers_unanswered,
                reengagements_sent: x.reengagements_sent,
                reengagements_replied: x.reengagements_replied,
                median_answer_seconds: x.median_answer_seconds,
            })
            .collect(),
        months,
    }
}

/// The number of days of a calendar month.
fn days_in(month: crate::time::Month) -> u32 {
    let first = |m: crate::time::Month| Date::from_ymd(m.year(), m.number(), 1).map_or(0, |d| d.0);
    u32::try_from(first(crate::time::Month(month.0 + 1)) - first(month)).unwrap_or(0)
}

/// The id a scenario writes for what it compares.
fn compare_id(c: &Compare) -> &'static str {
    match c {
        Compare::Strategies => "strategies",
        Compare::Pricing { .. } => "pricing",
        Compare::Markets { .. } => "markets",
        Compare::WhatIf { .. } => "what-if",
        Compare::Budget => "budget",
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
        ci: t.ci95,
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
            let days = (r.layout.warm_up()..r.layout.days())
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
