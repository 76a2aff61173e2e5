//! A run's outputs: `summary.json`, `breakdown.csv`, `daily.csv`, `manifest.json`, a copy of the
//! scenario and optional traces, written into a directory atomically; and the one-screen summary
//! table. Every file but the manifest (which records the run time and thread count) is a pure
//! function of the scenario and seed, byte-identical for any thread count.

use crate::answer::{Answer, answer, question_in_words};
use crate::engine::RunResult;
use crate::log::{LogShape, LogWriter, csv_field};
use crate::output::Files;
use crate::pricing::BillCategory;
use crate::pricing::rate_card::CardId;
use crate::report::ReportError;
use crate::rules::Outcome;
use crate::scenario::Compare;
use crate::scenario::Scenario;
use crate::stats::{CellStats, RunStats, ServiceStats, Summary, mean_u64};
use crate::tally::{Charges, MESSAGE_KINDS, OUTCOMES, Traffic, kind_name};
use crate::time::Date;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::path::Path;

mod report_data;

/// How the run went, for the manifest.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// Worker threads.
    pub threads: usize,
    /// Start of the run, UTC, RFC 3339.
    pub started_utc: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// FNV-1a, 64 bits: the scenario's fingerprint in the manifest.
#[must_use]
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn round(v: f64) -> f64 {
    if v.is_finite() { (v * 1e6).round() / 1e6 } else { 0.0 }
}

/// An interval as `[low, high]`, or `null` when there is none.
fn interval_json(ci: Option<(f64, f64)>) -> Value {
    ci.map_or(Value::Null, |(lo, hi)| json!([round(lo), round(hi)]))
}

fn summary_json(x: &Summary) -> Value {
    json!({
        "mean": round(x.mean), "sd": round(x.sd),
        "ci95": interval_json(x.ci95),
        "p50": round(x.p50), "p90": round(x.p90), "p95": round(x.p95),
        "p50_ci95": interval_json(x.p50_ci95), "p90_ci95": interval_json(x.p90_ci95), "p95_ci95": interval_json(x.p95_ci95),
        "min": round(x.min), "max": round(x.max),
    })
}

fn service_json(x: &ServiceStats) -> Value {
    json!({
        "answers_owed": round(x.owed()),
        "answers_on_time": round(x.on_time),
        "answers_late": round(x.late),
        "answers_blocked": round(x.blocked),
        "answers_dropped": round(x.dropped),
        "answers_undelivered": round(x.undelivered),
        "answers_held_at_end": round(x.held_at_end),
        "customers_owed_answer": round(x.customers_owed),
        "customers_unanswered": round(x.customers_unanswered),
        "unanswered_share": round(x.unanswered_share()),
        "reengagements_sent": round(x.reengagements_sent),
        "reengagements_replied": round(x.reengagements_replied),
        "median_answer_seconds": x.median_answer_seconds.map(|v| v.round()),
    })
}

fn budget_json(cell: &CellStats) -> Value {
    let b = &cell.budget;
    json!({
        "percentile": b.percentile,
        "estimate": round(b.estimate),
        "upper_bound": b.upper_bound.map(round),
        "enough_replications": b.enough(),
    })
}

/// The question as declared, and in words.
fn question_json(s: &Scenario) -> Value {
    let q = &s.question;
    let mut v = match &q.compare {
        Compare::Strategies => json!({ "compare": "strategies" }),
        Compare::Pricing { from, to, about } => json!({
            "compare": "pricing", "from": s.pricings[*from].id(), "to": s.pricings[*to].id(), "about": about,
        }),
        Compare::Markets { categories } => json!({
            "compare": "markets", "categories": categories.iter().map(|c| c.id()).collect::<Vec<_>>(),
        }),
        Compare::WhatIf { about, pairs } => json!({
            "compare": "what-if", "about": about,
            "with": pairs.iter().map(|(a, _)| s.strategies[*a].name.as_str()).collect::<Vec<_>>(),
            "without": pairs.iter().map(|(_, b)| s.strategies[*b].name.as_str()).collect::<Vec<_>>(),
        }),
        Compare::Budget => json!({ "compare": "budget" }),
    };
    if let Value::Object(m) = &mut v {
        m.insert("max_unanswered".into(), q.max_unanswered.map_or(Value::Null, |f| json!(f)));
        m.insert("in_words".into(), json!(question_in_words(s)));
    }
    v
}

/// Builds every output file of a run: the data files and, unless `report` is false, the charts
/// (`charts/NAME.svg`, `charts/NAME.png`) and `report.html`.
///
/// # Errors
/// When a chart cannot be drawn.
pub fn render(s: &Scenario, r: &RunResult, info: &RunInfo, report: bool) -> Result<Files, ReportError> {
    let stats = RunStats::new(s, r);
    let answer = answer(s, r, &stats);
    let mut files: Files = vec![
        ("summary.json".into(), summary(s, r, &stats, &answer).into_bytes()),
        ("breakdown.csv".into(), breakdown(s, r).into_bytes()),
        ("daily.csv".into(), daily(s, r).into_bytes()),
        ("monthly.csv".into(), monthly(s, r, &stats).into_bytes()),
        ("scenario.toml".into(), s.text.clone().into_bytes()),
    ];
    for (si, rows) in r.trace.iter().enumerate() {
        if r.trace.iter().all(Vec::is_empty) {
            break;
        }
        // The trace names the business numbers when there are several (rule 27), and gives the
        // price Meta charged a capped marketing template (rule 29), as a log would.
        let capped = s.customers.campaigns.iter().any(|c| !c.caps.is_empty());
        let shape = LogShape { business_numbers: s.business.numbers.len() > 1, prices: capped };
        let mut w = match LogWriter::new(Vec::new(), s.period.offset, shape) {
            Ok(w) => w,
            Err(_) => continue,
        };
        for row in rows {
            let number = format!("number-{}", row.number + 1);
            let customer = format!("c{}", row.customer);
            let _ = w.write(row.time, &customer, row.kind, row.country, row.status, &number, row.price);
        }
        files.push((format!("trace-{}.csv", s.strategies[si].name), w.into_inner()));
    }
    let drawing = std::time::Instant::now();
    if report {
        let data = report_data::report_data(s, r, &stats, &answer);
        let charts = crate::report::charts::render_all(&data)?;
        for chart in &charts {
            files.push((format!("charts/{}.svg", chart.name), chart.svg.clone().into_bytes()));
            files.push((format!("charts/{}.png", chart.name), chart.png.clone()));
        }
        files.push(("report.html".into(), crate::report::html::render(&data, &charts).into_bytes()));
    }
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).chain(["manifest.json".to_owned()]).collect();
    let report_seconds = report.then(|| drawing.elapsed().as_secs_f64());
    files.push(("manifest.json".into(), manifest(s, r, info, report_seconds, &names).into_bytes()));
    Ok(files)
}

/// The rate cards in force on some day of the run under some pricing, by model and date.
fn cards_used(s: &Scenario) -> Vec<CardId> {
    let mut used = Vec::new();
    for d in 0..s.period.days {
        let date = Date(s.period.start.0 + d as i32);
        for p in &s.pricings {
            if let Some(id) = s.business.book.card_for(p.model_on(date), date)
                && !used.contains(&id)
            {
                used.push(id);
            }
        }
    }
    used.sort_by_key(|id| (s.business.book.card(*id).model, s.business.book.card(*id).effective));
    used
}

fn manifest(s: &Scenario, r: &RunResult, info: &RunInfo, report_seconds: Option<f64>, names: &[String]) -> String {
    let cards: Vec<Value> = cards_used(s)
        .iter()
        .map(|id| s.business.book.card(*id))
        .map(|c| json!({ "pricing_model": c.model.id(), "effective": c.effective.to_string(), "source": c.source }))
        .collect();
    let v = json!({
        "wasim_version": env!("CARGO_PKG_VERSION"),
        "scenario": s.name,
        "scenario_file": s.file.display().to_string(),
        "scenario_hash": format!("fnv1a64:{:016x}", fnv1a(s.text.as_bytes())),
        "seed": s.run.seed,
        "replications": s.run.replications,
        "customers": s.customers.count,
        "days": s.period.days,
        "pricing": s.pricings.iter().map(|p| p.id()).collect::<Vec<_>>(),
        "strategies": s.strategies.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        "rate_cards": cards,
        "tiers": !s.business.book.tiers.is_empty(),
        "threads": info.threads,
        "started_utc": info.started_utc,
        "run_seconds": round(info.seconds),
        "report_seconds": report_seconds.map(round),
        "messages_processed": r.events,
        "precision": r.precision.map(|p| json!({
            "target": p.target, "achieved": round(p.achieved), "reached": p.reached, "batches": p.batches,
            "replications": r.replications.len(),
        })),
        "files": names,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

fn summary(s: &Scenario, r: &RunResult, stats: &RunStats, answer: &Answer) -> String {
    let capped = s.customers.campaigns.iter().any(|c| !c.caps.is_empty());
    let np = s.pricings.len();
    let n = r.replications.len();
    let mut results = Vec::new();
    for (si, named) in s.strategies.iter().enumerate() {
        for (pi, pricing) in s.pricings.iter().enumerate() {
            let cell = &stats.cells[si * np + pi];
            let mut charged = Map::new();
            let mut cost_by_category = Map::new();
            for c in &cell.categories {
                charged.insert(c.category.id().into(), json!(round(c.charged_mean)));
                cost_by_category.insert(c.category.id().into(), summary_json(&c.cost));
            }
            let reasons: Vec<Value> = cell
                .reasons
                .iter()
                .map(|(reason, mean)| {
                    json!({
                        "reason": reason.text(),
                        "charged": reason.is_charge(),
                        "messages_mean": round(*mean),
                    })
                })
                .collect();
            let mut conversations = Map::new();
            for (category, mean) in &cell.conversations {
                conversations.insert(category.id().into(), json!(round(*mean)));
            }
            results.push(json!({
                "strategy": named.name,
                "pricing": pricing.id(),
                "total_cost": summary_json(&cell.total),
                "total_cost_by_replication": cell.totals.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "provider_fees": summary_json(&cell.fees),
                "service": service_json(&stats.service[si]),
                "budget": budget_json(cell),
                "charged_mean": charged,
                "cost_by_category": cost_by_category,
                "conversations_mean": conversations,
                "messages_by_reason": reasons,
            }));
            if capped {
                // Rule 29: what Meta charged the capped marketing templates, beside the card.
                let sum = |f: &dyn Fn(&crate::tally::Capped) -> f64| {
                    round(
                        r.replications.iter().map(|rep| f(&rep.tally(si, pi).capped())).sum::<f64>() / n.max(1) as f64,
                    )
                };
                if let Some(Value::Object(last)) = results.last_mut() {
                    last.insert(
                        "max_price".into(),
                        json!({
                            "messages_mean": sum(&|c| c.messages as f64),
                            "cost_mean": sum(&|c| c.cost.as_f64()),
                            "card_cost_mean": sum(&|c| c.card_cost.as_f64()),
                        }),
                    );
                }
            }
        }
    }
    let mut traffic = Vec::new();
    for (si, named) in s.strategies.iter().enumerate() {
        let t = |f: &dyn Fn(&Traffic) -> u64| round(mean_u64(r.replications.iter().map(|rep| f(rep.traffic(si))), n));
        let mut by_kind = Map::new();
        for kind in MESSAGE_KINDS {
            let mut outcomes = Map::new();
            for outcome in OUTCOMES {
                let v = t(&|x: &Traffic| x.messages.get(kind, outcome));
                if v > 0.0 {
                    outcomes.insert(outcome.id().into(), json!(v));
                }
            }
            if !outcomes.is_empty() {
                by_kind.insert(kind_name(kind).into(), Value::Object(outcomes));
            }
        }
        traffic.push(json!({
            "strategy": named.name,
            "kind": named.strategy.kind(),
            "messages_mean": {
                "inbound": t(&|x: &Traffic| x.inbound()),
                "outbound": t(&|x: &Traffic| x.outbound()),
                "delivered": t(&|x: &Traffic| x.outcome(Outcome::Delivered)),
                "blocked": t(&|x: &Traffic| x.outcome(Outcome::Blocked)),
                "suppressed": t(&|x: &Traffic| x.outcome(Outcome::Suppressed)),
                "failed": t(&|x: &Traffic| x.outcome(Outcome::Failed)),
                "dropped_by_strategy": t(&|x: &Traffic| x.dropped),
                "held_by_strategy": t(&|x: &Traffic| x.held),
                "still_held_at_end": t(&|x: &Traffic| x.held_at_end),
            },
            "by_kind_and_outcome": by_kind,
        }));
        if capped && let Some(Value::Object(last)) = traffic.last_mut() {
            // Rule 29: the campaign's reach at its caps.
            last.insert(
                "max_price".into(),
                json!({
                    "sent_mean": t(&|x: &Traffic| x.capped_sent),
                    "delivered_mean": t(&|x: &Traffic| x.capped_delivered),
                }),
            );
        }
    }
    // Below two replications a share of replications says nothing: null.
    let share = |k: usize| if n < 2 { Value::Null } else { json!(round(k as f64 / n as f64)) };
    let paired: Vec<Value> = stats
        .paired
        .iter()
        .map(|p| {
            json!({
                "pricing": s.pricings[p.pricing].id(),
                "a": s.strategies[p.a].name,
                "b": s.strategies[p.b].name,
                "difference_a_minus_b": summary_json(&p.difference),
                "difference_total_over_replications": p.total.to_string(),
                "a_cheaper_share": share(p.a_cheaper),
                "b_cheaper_share": share(p.b_cheaper),
                "tie_share": share(n - p.a_cheaper - p.b_cheaper),
            })
        })
        .collect();
    // The same traffic priced two ways: what a change of pricing model costs each strategy.
    let pricing_differences: Vec<Value> = stats
        .pricing_pairs
        .iter()
        .map(|p| {
            json!({
                "strategy": s.strategies[p.strategy].name,
                "a": s.pricings[p.a].id(),
                "b": s.pricings[p.b].id(),
                "difference_a_minus_b": summary_json(&p.difference),
            })
        })
        .collect();
    let v = json!({
        "scenario": s.name,
        "description": s.description,
        "currency": s.business.book.currency(),
        "start": s.period.start.to_string(),
        "days": s.period.days,
        "timezone": s.period.offset.to_string(),
        "customers": s.customers.count,
        "replications": n,
        "seed": s.run.seed,
        "question": question_json(s),
        "answer": answer.text(),
        "warnings": answer.warnings,
        "statistics": {
            "ci95": "two-sided 95% confidence interval of the mean across replications, Student's t with n-1 degrees of freedom (exact quantiles); null below 2 replications",
            "quantiles": "type 7: linear interpolation between order statistics (R's default, NumPy's linear)",
            "quantile_ci95": "p50_ci95, p90_ci95, p95_ci95: distribution-free 95% confidence intervals of the percentiles, two order statistics chosen from the binomial distribution; null when the replications are too few (6 for P50, 36 for P90, 72 for P95)",
            "budget": "estimate: the percentile of the totals; upper_bound: the order statistic that is a one-sided 95% upper confidence bound on it (null below 29 replications for P90, 59 for P95)",
            "service": "means per replication: support answers owed, delivered on time (inside the customer service window when due), late (after it closed), blocked (131047), dropped by the strategy, undelivered (suppressed or failed), still held at the end; customers owed an answer and those who received none; re-engagement templates delivered and replied to; median seconds from the visit's first message to a delivered answer, over all replications",
            "answer_cheapest": "a strategy is called cheapest only when Bonferroni-simultaneous 95% intervals over every pair of strategies under that pricing put every other strategy above it",
            "paired_differences": "per replication, strategy a minus strategy b under the same pricing and the same simulated customers (common random numbers)",
            "pricing_differences": "per replication, the same strategy's traffic priced under pricing a minus pricing b",
            "money": "total_cost_by_replication is exact; means, deviations and intervals are floating point",
            "period": "every figure is per replication: one simulated period of the run's days after any warm-up",
        },
        "results": results,
        "traffic": traffic,
        "paired_differences": paired,
        "pricing_differences": pricing_differences,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

fn breakdown(s: &Scenario, r: &RunResult) -> String {
    let l = &r.layout;
    let mut out = String::from("strategy,pricing,replication,month,market,category,charged,cost\n");
    for (ri, rep) in r.replications.iter().enumerate() {
        for (si, named) in s.strategies.iter().enumerate() {
            for (pi, pricing) in s.pricings.iter().enumerate() {
                let t = rep.tally(si, pi);
                for month in 0..l.months() {
                    for (mi, market) in l.markets().iter().enumerate() {
                        for category in BillCategory::ALL {
                            let c = t.charges(month, mi, category);
                            if c.is_empty() {
                                continue;
                            }
                            let m = l.month(month);
                            let _ = writeln!(
                                out,
                                "{},{},{ri},{m},{},{},{},{}",
                                named.name,
                                pricing.id(),
                                csv_field(s.business.book.markets.name(*market)),
                                category.id(),
                                c.charged,
                                c.cost
                            );
                        }
                    }
                }
            }
        }
    }
    out
}

fn daily(s: &Scenario, r: &RunResult) -> String {
    let n = r.replications.len().max(1) as f64;
    let mut out = String::from(
        "strategy,pricing,date,inbound_mean,outbound_mean,delivered_mean,charged_mean,cost_mean_before_tiers\n",
    );
    for (si, named) in s.strategies.iter().enumerate() {
        for (pi, pricing) in s.pricings.iter().enumerate() {
            for day in r.layout.warm_up()..r.layout.days() {
                let mut traffic = [0u64; 3];
                let mut charges = Charges::default();
                for rep in &r.replications {
                    let d = rep.traffic(si).daily[day];
                    traffic[0] += d.inbound;
                    traffic[1] += d.attempted;
                    traffic[2] += d.delivered;
                    charges += rep.tally(si, pi).day(day);
                }
                let Charges { charged, cost } = charges;
                let _ = writeln!(
                    out,
                    "{},{},{},{:.4},{:.4},{:.4},{:.4},{:.6}",
                    named.name,
                    pricing.id(),
                    Date(s.period.start.0 + day as i32),
                    traffic[0] as f64 / n,
                    traffic[1] as f64 / n,
                    traffic[2] as f64 / n,
                    charged as f64 / n,
                    cost.as_f64() / n
                );
            }
        }
    }
    out
}

/// Per strategy, pricing and calendar month: the mean cost and its interval, charged units, and
/// how many of the month's days the run covers (a month the run only touches is partial).
fn monthly(s: &Scenario, r: &RunResult, stats: &RunStats) -> String {
    let mut out = String::from("strategy,pricing,month,days,cost_mean,cost_ci95_low,cost_ci95_high,charged_mean\n");
    for (si, named) in s.strategies.iter().enumerate() {
        for (pi, pricing) in s.pricings.iter().enumerate() {
            for m in &stats.cell(s, si, pi).months {
                let (lo, hi) = m.cost.ci95.map_or((String::new(), String::new()), |(lo, hi)| {
                    (format!("{:.6}", round(lo)), format!("{:.6}", round(hi)))
                });
                let _ = writeln!(
                    out,
                    "{},{},{},{},{:.6},{lo},{hi},{:.4}",
                    named.name,
                    pricing.id(),
                    r.layout.month(m.month),
                    m.days,
                    round(m.cost.mean),
                    m.charged_mean
                );
            }
        }
    }
    out
}

/// The one-screen summary for the terminal: the cost table, the service per strategy, the
/// question, its answer and the warnings (the same words as `summary.json` and the page).
#[must_use]
pub fn table(s: &Scenario, r: &RunResult, dir: &Path, report: bool) -> String {
    let stats = RunStats::new(s, r);
    let answer = answer(s, r, &stats);
    let currency = s.business.book.currency();
    let n = r.replications.len();
    let mut out = String::new();
    let days = r.layout.days() - r.layout.warm_up();
    let warm =
        if r.layout.warm_up() > 0 { format!(" after a {}-day warm-up", r.layout.warm_up()) } else { String::new() };
    let _ = writeln!(
        out,
        "{}: {} customers, {days} days from {} ({}){warm}, {n} replications; Meta charges in {currency} per simulated period",
        s.name,
        s.customers.count,
        r.layout.date(r.layout.warm_up()),
        s.period.offset,
    );
    if let Some(p) = &r.precision {
        let _ = writeln!(
            out,
            "Precision: {} replications in {} batches, every mean within {:.2}% (target {:.2}%{})",
            n,
            p.batches,
            p.achieved * 100.0,
            p.target * 100.0,
            if p.reached { "" } else { ", not reached" }
        );
    }
    let _ = writeln!(
        out,
        "\n{:<20} {:<18} {:>12} {:>25} {:>12} {:>10} {:>11}",
        "strategy", "pricing", "mean cost", "95% CI", "P90", "charged", "unanswered"
    );
    for (si, named) in s.strategies.iter().enumerate() {
        let unanswered = stats.service[si].customers_unanswered;
        for (pi, pricing) in s.pricings.iter().enumerate() {
            let x = &stats.cell(s, si, pi).total;
            let ci = x.ci95.map_or_else(|| "n/a".to_owned(), |(lo, hi)| format!("[{lo:.2}, {hi:.2}]"));
            let charged = mean_u64(r.replications.iter().map(|rep| rep.tally(si, pi).charged()), n);
            let _ = writeln!(
                out,
                "{:<20} {:<18} {:>12.2} {:>25} {:>12.2} {:>10.0} {:>11.0}",
                named.name,
                pricing.id(),
                x.mean,
                ci,
                x.p90,
                charged,
                unanswered
            );
        }
    }
    let _ = writeln!(out, "\nQuestion: {}", question_in_words(s));
    let _ = writeln!(out, "Answer: {}", answer.text());
    for w in &answer.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    let traces = if r.trace.iter().any(|t| !t.is_empty()) { ", trace-<strategy>.csv" } else { "" };
    let report = if report { ", report.html, charts/" } else { "" };
    let _ = writeln!(
        out,
        "\nWrote {} (summary.json, breakdown.csv, daily.csv, monthly.csv, manifest.json{traces}{report})",
        dir.display()
    );
    out
}
